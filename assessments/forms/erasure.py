"""Deleting one's own account: what becomes of each partnership, and the password."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from ..models import Partnership

DELETE = "delete"


def _name(user) -> str:
    return user.get_full_name() or user.get_username()


class AccountEraseForm(forms.Form):
    """One choice per partnership the user owns: a colleague who collaborates on
    it takes it over, or it is deleted with everything in it (the default, so
    nothing goes to someone by accident)."""

    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        # Django's own password forms cap nothing, but hashing a megabyte is work an
        # attacker would like us to do; no real password comes near this.
        max_length=4096,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    understood = forms.BooleanField(
        label=_(
            "I understand that my account and the partnerships I delete cannot be "
            "restored."
        ),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.partnerships = list(
            Partnership.objects.filter(owner=user)
            .prefetch_related("collaborations__user")
            .order_by("name", "pk")
        )
        self._colleagues = {}
        for partnership in self.partnerships:
            colleagues = {
                c.user.pk: c.user
                for c in partnership.collaborations.all()
                if c.user.is_active
            }
            self._colleagues[partnership.pk] = colleagues
            choices = [(DELETE, _("Delete it with everything in it"))] + [
                (str(pk), _("Hand it over to %(name)s") % {"name": _name(colleague)})
                for pk, colleague in sorted(colleagues.items())
            ]
            self.fields[self._key(partnership)] = forms.ChoiceField(
                label=partnership.name, choices=choices, initial=DELETE
            )
        # The password last on the page, after the choices it confirms.
        self.order_fields([self._key(p) for p in self.partnerships])

    @staticmethod
    def _key(partnership) -> str:
        return f"partnership_{partnership.pk}"

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise ValidationError(
                _("That is not your password. Nothing was deleted."), code="password"
            )
        return password

    def rows(self) -> list[tuple[Partnership, forms.BoundField]]:
        return [(p, self[self._key(p)]) for p in self.partnerships]

    def heirs(self) -> dict[int, object]:
        """Partnership id -> the colleague taking it over (None: deleted)."""
        heirs = {}
        for partnership in self.partnerships:
            choice = self.cleaned_data[self._key(partnership)]
            heirs[partnership.pk] = (
                None
                if choice == DELETE
                else self._colleagues[partnership.pk].get(int(choice))
            )
        return heirs
