"""Role gates for views. Anyone without the role gets 404, like a record they may not see.

The gated view takes an AuthenticatedRequest: login_required has made the user a real one.
"""

from collections.abc import Callable
from functools import wraps
from typing import Concatenate

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponseBase

from .types import AuthenticatedRequest


def clinician_required[**P, R: HttpResponseBase](
    view: Callable[Concatenate[AuthenticatedRequest, P], R],
) -> Callable[Concatenate[AuthenticatedRequest, P], R]:
    """Therapists and clinic admins only; patients get 404 on clinician pages."""

    @login_required
    @wraps(view)
    def wrapper(request: AuthenticatedRequest, *args: P.args, **kwargs: P.kwargs) -> R:
        if not request.user.is_clinician or not request.user.clinic_id:
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper


def clinic_admin_required[**P, R: HttpResponseBase](
    view: Callable[Concatenate[AuthenticatedRequest, P], R],
) -> Callable[Concatenate[AuthenticatedRequest, P], R]:
    """Clinic admins of a clinic only."""

    @login_required
    @wraps(view)
    def wrapper(request: AuthenticatedRequest, *args: P.args, **kwargs: P.kwargs) -> R:
        if not request.user.is_clinic_admin or not request.user.clinic_id:
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper
