from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from . import views
from .forms import EmailAuthenticationForm
from .language import PasswordResetForm
from .offline import clears_http_cache

app_name = "accounts"

urlpatterns = [
    path(
        "login/",
        auth_views.LoginView.as_view(
            template_name="accounts/login.html",
            authentication_form=EmailAuthenticationForm,
            redirect_authenticated_user=True,
        ),
        name="login",
    ),
    path("logout/", clears_http_cache(auth_views.LogoutView.as_view()), name="logout"),
    path(
        "password-reset/",
        auth_views.PasswordResetView.as_view(
            template_name="registration/password_reset_form.html",
            form_class=PasswordResetForm,
            subject_template_name="accounts/email/password_reset_subject.txt",
            email_template_name="accounts/email/password_reset.txt",
            html_email_template_name="accounts/email/password_reset.html",
            success_url=reverse_lazy("accounts:password_reset_done"),
        ),
        name="password_reset",
    ),
    path(
        "password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(
            template_name="registration/password_reset_done.html"
        ),
        name="password_reset_done",
    ),
    path(
        "password-reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            template_name="registration/password_reset_confirm.html",
            success_url=reverse_lazy("accounts:password_reset_complete"),
        ),
        name="password_reset_confirm",
    ),
    path(
        "password-reset/done/",
        auth_views.PasswordResetCompleteView.as_view(
            template_name="registration/password_reset_complete.html"
        ),
        name="password_reset_complete",
    ),
    path("invitation/<str:token>/", views.invitation_accept_view, name="invitation_accept"),
    path(
        "patients/<int:pk>/resend-invitation/",
        views.patient_invitation_resend,
        name="patient_invitation_resend",
    ),
    path("therapists/", views.therapist_list, name="therapist_list"),
    path("therapists/add/", views.therapist_add, name="therapist_add"),
    path(
        "therapists/<int:pk>/resend-invitation/",
        views.therapist_invitation_resend,
        name="therapist_invitation_resend",
    ),
    # A patient's own contact details (issue 11).
    path("my-details/", views.my_details, name="my_details"),
    path("clinic/", views.clinic_settings, name="clinic_settings"),
]
