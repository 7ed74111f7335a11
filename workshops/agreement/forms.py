"""Forms of agreement between rooms: the moderated answer (the review form and a reason) and the panel."""

from crispy_forms.layout import Layout
from django import forms

from casereview.identifiers import reject_identifiers
from casereview.models import Role, User
from workshops.forms import CaseReviewForm


class ModerationForm(CaseReviewForm):
    """The review form, plus why this is the answer that counts (audited with it)."""

    reason = forms.CharField(
        label="Why is this the moderated answer?",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        validators=[reject_identifiers],
        help_text=(
            "For example: the panel agreed with Room 2 that the timing of support was the main issue. "
            "Never type a name."
        ),
        error_messages={"required": "Say why this is the moderated answer."},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        fields = list(self.helper.layout.fields)
        self.helper.layout = Layout(*fields[:-1], "reason", fields[-1])


class PanelForm(forms.Form):
    facilitators = forms.ModelMultipleChoiceField(
        label="Moderation panel",
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Facilitators who may record moderated answers for this workshop (the lead always may).",
    )

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["facilitators"].queryset = User.objects.filter(
            membership__organisation=organisation, membership__role=Role.FACILITATOR
        ).order_by("email")
        self.fields["facilitators"].label_from_instance = lambda user: user.email
