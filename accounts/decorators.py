"""Role gates for views. Anyone without the role gets 404, like a record they may not see."""

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse

View = Callable[..., HttpResponse]


def clinician_required(view: View) -> View:
    """Therapists and clinic admins only; patients get 404 on clinician pages."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not request.user.is_clinician or not request.user.clinic_id:
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper


def clinic_admin_required(view: View) -> View:
    """Clinic admins of a clinic only."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not request.user.is_clinic_admin or not request.user.clinic_id:
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper
