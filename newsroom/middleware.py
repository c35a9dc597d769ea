from django.http import HttpResponseBadRequest


class RejectNullBytesMiddleware:
    """Answer 400 to addresses and query strings carrying NUL characters.

    PostgreSQL cannot store or compare text containing NUL, so such a value
    would otherwise reach a query and fail there. Forms already refuse it.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        values = [request.path, *request.GET.keys()]
        values += [v for key in request.GET for v in request.GET.getlist(key)]
        if any("\x00" in value for value in values):
            return HttpResponseBadRequest(
                "Addresses and searches cannot contain NUL characters.",
                content_type="text/plain; charset=utf-8",
            )
        return self.get_response(request)
