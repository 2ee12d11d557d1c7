"""Django's LoginRequiredMiddleware, asking the view first.

Django's own asks `request.user.is_authenticated` before it looks whether the
view needs a login at all, which loads the browser's session (a query, and the
session's decoding) on every request, also for views marked
`login_not_required` that never read the session. The answer is the same in
both orders (None: go on to the view); asking the view first spares those
views the session: a live phone's unchanged poll (assessments/live/polling.py)
is then one query instead of two.
"""

from django.contrib.auth.middleware import (
    LoginRequiredMiddleware as DjangoLoginRequiredMiddleware,
)


class LoginRequiredMiddleware(DjangoLoginRequiredMiddleware):
    def process_view(self, request, view_func, view_args, view_kwargs):
        if not getattr(view_func, "login_required", True):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)
