"""/api/v1/: the Ninja API, each view wrapped with CORS, rate limit and validators."""

from newsroom.api.http import api_view
from newsroom.api.main import api

patterns, _, app_name = api.urls  # app_name is the namespace, api-v1
for pattern in patterns:
    pattern.callback = api_view(pattern.callback)

urlpatterns = patterns
