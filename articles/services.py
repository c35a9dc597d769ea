"""State changes that matter to the newsroom, one function each."""

from django.contrib.redirects.models import Redirect
from django.contrib.sites.models import Site
from django.db import transaction


@transaction.atomic
def remember_old_url(article, old_path):
    """Redirect an article's old address, and every older one, to its new address."""
    new_path = article.get_absolute_url()
    if not old_path or old_path == new_path:
        return None
    site = Site.objects.get_current()
    # Collapse chains: addresses that led to the old one now lead straight here.
    Redirect.objects.filter(site=site, new_path=old_path).update(new_path=new_path)
    # The new address is live; a redirect away from it would loop or hide it.
    Redirect.objects.filter(site=site, old_path=new_path).delete()
    redirect, _ = Redirect.objects.update_or_create(
        site=site, old_path=old_path, defaults={"new_path": new_path}
    )
    return redirect
