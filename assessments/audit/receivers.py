"""The trail's signal receivers (connected in AssessmentsConfig.ready):

- logins and failed logins, from django.contrib.auth's signals: every login path
  (ours, the admin's, a password reset) sends them;
- `scrub_change`, which completes and cleans each change django-auditlog saves.
"""

from auditlog.models import LogEntry
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.contrib.contenttypes.models import ContentType
from django.db.models.signals import pre_save
from django.dispatch import receiver

from . import Event, audit_event, client_address
from .middleware import current_request


@receiver(pre_save, sender=LogEntry, dispatch_uid="audit_scrub_change")
def scrub_change(sender, instance, **kwargs):
    # auditlog names the object with `str(instance)` (a respondent's name, a
    # partnership's name): kept here it would outlive the object's erasure. The
    # object is named by kind and number; the trail's pages look names up live.
    model = ContentType.objects.get_for_id(instance.content_type_id).model
    instance.object_repr = f"{model} #{instance.object_pk}"
    instance.actor_email = None  # the actor stays a foreign key, emptied on erasure
    request = current_request.get()
    if request is None:  # a command, a task: nobody to name
        return
    user = getattr(request, "user", None)
    actor = user if user is not None and user.is_authenticated else None
    if instance.actor_id is None:
        instance.actor = actor
    instance.remote_addr = client_address(request, consultant=actor is not None)


@receiver(user_logged_in, dispatch_uid="audit_login")
def record_login(sender, request, user, **kwargs):
    audit_event(request or user, Event.LOGIN, user)


@receiver(user_login_failed, dispatch_uid="audit_login_failed")
def record_failed_login(sender, credentials, request=None, **kwargs):
    # The account tried is recorded when it exists (its owner or staff may want to
    # know someone guessed at it); the name typed never is: a mistyped name is
    # often someone's e-mail address or a password typed in the wrong box, text
    # nobody could later find and erase.
    model = get_user_model()
    username = credentials.get(model.USERNAME_FIELD) or ""
    user = (
        model._default_manager.filter(**{model.USERNAME_FIELD: username}).first()
        if username
        else None
    )
    audit_event(request, Event.LOGIN_FAILED, user, known=user is not None)
