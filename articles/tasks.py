"""Background work, through Django's Tasks framework.

The default backend runs each task at once, in the request, so a fresh install
needs no worker. Set TASKS_BACKEND to a queue backend (e.g. django-tasks-db's)
and run its worker to move this work out of requests.
"""

import logging

from django.core.mail import send_mail
from django.tasks import task

logger = logging.getLogger(__name__)


@task
def make_renditions(image_id):
    """Resized and cropped copies of one uploaded image."""
    from articles.images import make_renditions_for

    make_renditions_for(image_id)


@task
def send_workflow_mail(subject, message, recipients):
    """Tell writers or editors about a workflow step."""
    # A mail server outage must not undo or block an editorial decision.
    try:
        send_mail(subject, message, None, recipients)
    except Exception:
        logger.exception("Could not send workflow mail %r to %s", subject, recipients)
