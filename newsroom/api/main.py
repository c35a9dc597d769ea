"""The API object: routers, docs served from our own static files, JSON errors."""

from django.http import Http404
from ninja import NinjaAPI, Swagger
from ninja.errors import HttpError, ValidationError

from newsroom.api import articles, knowledge
from newsroom.api.errors import ApiError

api = NinjaAPI(
    title="Newsroom API",
    version="1",
    description=(
        "Read-only access to published articles and to the knowledge base behind "
        "them: every claim with its status, sources, history and disputes. "
        "Lists are paginated with an opaque `cursor`; follow `next`."
    ),
    urls_namespace="api-v1",
    # validatorUrl off: Swagger UI would otherwise send the schema to a third party.
    docs=Swagger(settings={"validatorUrl": None}),
)
api.add_router("/", articles.router)
api.add_router("/", knowledge.router)


def describe(error):
    where = ".".join(str(part) for part in error.get("loc", ())[1:])
    message = error.get("msg", "is not valid")
    return f"{where}: {message}" if where else message


@api.exception_handler(ValidationError)
def bad_parameters(request, exc):
    # Ninja answers 422 by default; a bad parameter is a plain 400 here.
    detail = "; ".join(describe(error) for error in exc.errors) or "Bad request."
    return api.create_response(request, {"detail": detail}, status=400)


@api.exception_handler(ApiError)
def api_error(request, exc):
    return api.create_response(request, {"detail": exc.message}, status=exc.status)


@api.exception_handler(Http404)
def not_found(request, exc):
    return api.create_response(request, {"detail": "Not found."}, status=404)


@api.exception_handler(HttpError)
def http_error(request, exc):
    return api.create_response(request, {"detail": str(exc)}, status=exc.status_code)
