"""Consultant accounts: ordinary users (not staff) who log in to the workspace."""

import secrets

from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.template.loader import render_to_string
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import get_language

from ..background.mail import mail_queue
from ..models import OutgoingMail


def random_password():
    """A password to hand over once; 16 URL-safe characters (96 bits)."""
    return secrets.token_urlsafe(12)


def consultant_create(*, username, email, password, first_name="", last_name=""):
    """Create a consultant; ValidationError lists every problem, nothing is saved."""
    User = get_user_model()
    email = email.strip().lower()
    user = User(
        username=username.strip(),
        email=email,
        first_name=first_name,
        last_name=last_name,
        is_staff=False,
    )
    errors = []
    try:
        validate_email(email)
    except ValidationError as error:
        errors.extend(error.messages)
    if User.objects.filter(username__iexact=user.username).exists():
        errors.append(f"The username {user.username} is taken.")
    if email and User.objects.filter(email__iexact=email).exists():
        errors.append(f"Another account already uses {email}.")
    try:
        password_validation.validate_password(password, user)
    except ValidationError as error:
        errors.extend(error.messages)
    if errors:
        raise ValidationError(errors)
    user.set_password(password)
    user.save()
    return user


def password_mail(*, to, context, subject_template, body_template):
    """A password-reset mail for the worker to send (`background.mail`). Its text is
    rendered now, in the request's language, and stored until it is sent: the reset
    link in it cannot be made again later."""
    subject = "".join(render_to_string(subject_template, context).splitlines())
    return OutgoingMail(
        kind=OutgoingMail.Kind.PASSWORD_RESET,
        to=to,
        subject=subject[:255],
        body=render_to_string(body_template, context),
        language=(get_language() or "")[:2],
    )


def password_link_send(*, user, request):
    """E-mail `user` a link to choose a password (also for a new account without one).

    Django's reset form only serves accounts that already have a usable password, so
    we build the same message ourselves with the same templates and token.
    """
    context = {
        "email": user.email,
        "domain": request.get_host(),
        "site_name": "Partnerscan",
        "uid": urlsafe_base64_encode(force_bytes(user.pk)),
        "user": user,
        "token": default_token_generator.make_token(user),
        "protocol": "https" if request.is_secure() else "http",
    }
    mail = password_mail(
        to=user.email,
        context=context,
        subject_template="registration/password_reset_subject.txt",
        body_template="registration/password_reset_email.html",
    )
    mail_queue([mail])
