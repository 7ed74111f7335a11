from crispy_forms.helper import FormHelper
from crispy_forms.layout import Field, Layout
from django import forms
from django.core.exceptions import ValidationError

from casereview.forms import TermChoiceField, TermsMultipleChoiceField
from casereview.identifiers import reject_identifiers
from casereview.models import Organisation, Role, TermScope, User
from casereview.names import reject_names
from casereview.selectors import offered_terms
from casereview.vocabularies import VocabularyKind
from workshops.models import BreakoutRoom, Discipline, Workshop
from workshops.services.answer_words import answer_summary
from workshops.services.answers import ReviewAnswer

TOGGLES = "workshops/fields/toggles.html"
NO_CONSENSUS_CONFIRMED = "no_consensus_confirmed"


class WorkshopForm(forms.ModelForm):
    class Meta:
        model = Workshop
        fields = ["title", "date", "focus", "status"]
        widgets = {"date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}
        # Messages that say what to do (GOV.UK style), not "This field is required."
        error_messages = {
            "title": {
                "required": "Enter a title",
                "max_length": "Enter a title of %(limit_value)d characters or fewer",
            },
            "date": {"required": "Choose a date", "invalid": "Enter a real date, such as 20/05/2026"},
            "focus": {"max_length": "Enter a focus of %(limit_value)d characters or fewer"},
            "status": {"required": "Choose a status", "invalid_choice": "Choose a status from the list"},
        }

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation = organisation

    def clean_title(self):
        title = self.cleaned_data["title"].strip()
        same = (
            Workshop.objects.for_organisation(self.organisation)
            .filter(title__iexact=title)
            .exclude(pk=self.instance.pk)
        )
        if same.exists():
            raise ValidationError("Your LA already has a workshop with this title.")
        return title


class RoomForm(forms.Form):
    name = forms.CharField(
        max_length=100,
        validators=[reject_identifiers],
        help_text="For example: Room 1, or Blue room.",
        error_messages={
            "required": "Enter a name for the room",
            "max_length": "Enter a name of 100 characters or fewer",
        },
    )
    facilitators = forms.ModelMultipleChoiceField(
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Facilitators and leads of your LA. Only the people ticked can open this room's console.",
    )

    def __init__(self, *args, workshop, room=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.workshop, self.room = workshop, room
        self.fields["facilitators"].queryset = User.objects.filter(
            membership__organisation=workshop.organisation_id, membership__role__in=[Role.LEAD, Role.FACILITATOR]
        ).order_by("email")
        # One number per discipline: who was in the room, for the multi-agency picture in reports.
        for discipline in Discipline:
            self.fields[f"discipline_{discipline.value}"] = forms.IntegerField(
                label=discipline.label,
                min_value=0,
                max_value=200,
                required=False,
                widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
                error_messages={
                    "invalid": "Enter a whole number, such as 3",
                    "min_value": "Enter a number from 0 to 200",
                    "max_value": "Enter a number from 0 to 200",
                },
            )

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        same = BreakoutRoom.objects.filter(workshop=self.workshop, name__iexact=name)
        if self.room is not None:
            same = same.exclude(pk=self.room.pk)
        if same.exists():
            raise ValidationError("This workshop already has a room with this name.")
        return name

    def discipline_counts(self) -> dict[str, int]:
        return {d: self.cleaned_data.get(f"discipline_{d}") or 0 for d in Discipline.values}


class CaseImportForm(forms.Form):
    file = forms.FileField(
        help_text="A .csv (UTF-8) or .xlsx file with the columns of the template.",
        error_messages={
            "required": "Choose a file to import",
            "empty": "The file you chose is empty: choose the file with the cases",
            "invalid": "Choose a file to import",
        },
    )


class CaseReviewForm(forms.Form):
    """The room's judgement on one case, one screen, choices as big toggles.

    ``action`` says which button was pressed: "save" (the room agreed) or "no_consensus"."""

    ideal_outcome = forms.TypedChoiceField(
        label=(
            "Is this child or young person in the ideal setting, or receiving the ideal support, "
            "to achieve their long-term goals?"
        ),
        choices=[("yes", "Yes, ideal"), ("no", "No, not ideal")],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        required=False,
    )
    non_ideal_areas = TermsMultipleChoiceField(
        label="Which areas were not ideal?",
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    better_provision = TermChoiceField(
        label="Which provision would better support them?",
        widget=forms.RadioSelect,
        required=False,
        empty_label=None,
    )
    themes = TermsMultipleChoiceField(
        label="Which themes most contributed to the outcome?",
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    notes = forms.CharField(
        label="Notes (optional)",
        required=False,
        max_length=2000,
        validators=[reject_identifiers, reject_names],
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Never type a name, date of birth, UPN, NHS number, address, email or phone number.",
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    action = forms.ChoiceField(
        choices=[("save", "save"), ("no_consensus", "no_consensus"), (NO_CONSENSUS_CONFIRMED, NO_CONSENSUS_CONFIRMED)],
        widget=forms.HiddenInput,
        required=False,
    )

    def __init__(self, *args, organisation, review=None, offered_with_no_review=None, **kwargs):
        """``offered_with_no_review``: the terms another form of this LA offered for a case with no
        review (its ``offered``), when this one is for a case with no review too: the same lists,
        not read again (a save answered with the next case draws two such forms)."""
        super().__init__(*args, **kwargs)
        self.set_aside = {}
        fields_by_kind = {
            VocabularyKind.NON_IDEAL_AREA: self.fields["non_ideal_areas"],
            VocabularyKind.PROVISION: self.fields["better_provision"],
            VocabularyKind.THEME: self.fields["themes"],
        }
        # One query for the three lists. Retired terms are not offered, except those this review
        # already uses, so saving it again keeps them; nor are themes for plans only (a strategic
        # review's, docs/design.md “Layout”), which would crowd the room's buttons.
        if review is None and offered_with_no_review is not None:
            offered = offered_with_no_review
        else:
            offered = offered_terms(
                organisation,
                fields_by_kind,
                keeping=[term.pk for term in self._terms_of(review)],
                for_use=TermScope.ROOMS,
            )
        self.offered = offered
        for kind, field in fields_by_kind.items():
            field.terms = offered[kind]
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            Field("ideal_outcome", template=TOGGLES),
            Field("non_ideal_areas", template=TOGGLES, wrapper_class="when-not-ideal"),
            Field("better_provision", template=TOGGLES, wrapper_class="when-not-ideal"),
            Field("themes", template=TOGGLES),
            "notes",
            "version",
        )

    @staticmethod
    def _terms_of(review):
        if review is None:
            return []
        terms = list(review.non_ideal_areas.all()) + list(review.themes.all())
        return terms + ([review.better_provision] if review.better_provision else [])

    @classmethod
    def initial_for(cls, review):
        if review is None:
            return {"version": 0}
        return {
            "ideal_outcome": {True: "yes", False: "no"}.get(review.ideal_outcome),
            # Primary keys, not objects: the toggles compare values as text.
            "non_ideal_areas": [term.pk for term in review.non_ideal_areas.all()],
            "better_provision": review.better_provision_id,
            "themes": [term.pk for term in review.themes.all()],
            "notes": review.notes,
            "version": review.version,
        }

    def initial_from_set_aside(self, set_aside: dict[str, str], version: int) -> dict:
        """The form filled again with answers ticked before "No consensus" (kept in words in the history)."""

        def pks(field, words):
            wanted = {word.strip() for word in (words or "").split(";")}
            return [term.pk for term in self.fields[field].terms if term.label in wanted]

        provision = pks("better_provision", set_aside.get("Better provision"))
        return {
            "ideal_outcome": {"Yes": "yes", "No": "no"}.get(set_aside.get("Ideal outcome")),
            "non_ideal_areas": pks("non_ideal_areas", set_aside.get("Non-ideal areas")),
            "better_provision": provision[0] if provision else None,
            "themes": pks("themes", set_aside.get("Themes")),
            "version": version,
        }

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        ideal = data.get("ideal_outcome")
        answer = ReviewAnswer(
            consensus_reached=data.get("action") not in ("no_consensus", NO_CONSENSUS_CONFIRMED),
            ideal_outcome=ideal if ideal != "" else None,
            non_ideal_areas=list(data.get("non_ideal_areas") or []),
            better_provision=data.get("better_provision"),
            themes=list(data.get("themes") or []),
            notes=data.get("notes", ""),
        )
        for name, message in answer.problems().items():
            self.add_error(name, message)
        # What was ticked when the room chose "No consensus": asked about first, then kept in the history.
        ticked = ReviewAnswer(
            True, answer.ideal_outcome, answer.non_ideal_areas, answer.better_provision, answer.themes
        )
        self.set_aside = (
            {}
            if answer.consensus_reached or ticked == ReviewAnswer(True)
            else {
                label: value
                for label, value in answer_summary(ticked).items()
                if label not in ("Consensus reached", "Notes") and value != "—"
            }
        )
        self.answer = answer.normalised()
        return data

    @property
    def needs_no_consensus_confirmation(self) -> bool:
        """ "No consensus" pressed with answers ticked: ask first, so nothing is dropped by a slip."""
        return bool(self.set_aside) and self.cleaned_data.get("action") == "no_consensus"


class RetentionForm(forms.ModelForm):
    class Meta:
        model = Organisation
        fields = ["retention_months"]
        labels = {"retention_months": "Keep workshop data for (months after the workshop)"}


class DoubleReviewDrawForm(forms.Form):
    """A random share of the workshop's cases for a blind second review, with the seed shown."""

    share = forms.IntegerField(
        label="Share of cases (%)",
        min_value=1,
        max_value=100,
        error_messages={
            "min_value": "The share must be from 1 to 100 percent.",
            "max_value": "The share must be from 1 to 100 percent.",
            "invalid": "Give the share as a whole number of percent, such as 15.",
            "required": "Give the share, such as 15.",
        },
    )
    seed = forms.IntegerField(
        label="Seed",
        min_value=0,
        max_value=2_000_000_000,
        help_text="The same seed with the same cases and rooms draws the same cases again.",
        error_messages={
            "min_value": "The seed is a whole number from 0 to 2000000000.",
            "max_value": "The seed is a whole number from 0 to 2000000000.",
            "invalid": "The seed is a whole number, such as 481516.",
            "required": "Give a seed (any whole number).",
        },
    )


class _Ticked(forms.Field):
    """A box the page sends as "yes" when ticked; anything else is not ticked."""

    def __init__(self, **kwargs):
        super().__init__(required=False, **kwargs)

    def to_python(self, value):
        return value == "yes"


class AllocationForm(forms.Form):
    """The allocation page: for each of the workshop's cases (its first allocations, ``allocations``)
    the room (``room_<pk>``), the order in that room (``position_<pk>``), the blind second room
    (``second_<pk>``), whether it is a calibration case (``calibration_<pk>``) and whether it is
    ticked to move (``select_<pk>``); then the button pressed (``action``: save, move or split) and
    where the ticked cases go (``move_to``: a room, or "none" for out of every room).

    The page draws its own fields from the allocations; every problem names its case, and
    ``problems()`` lists them in the page's order."""

    SAVE, MOVE, SPLIT = "save", "move", "split"
    NO_ROOM = "none"

    # A button's value and a room's id: chosen from the page, never free text (so not CharFields,
    # which the identifier guard's walker would ask to check).
    action = forms.Field(required=False)
    move_to = forms.Field(required=False)

    def __init__(self, *args, allocations, rooms, **kwargs):
        super().__init__(*args, **kwargs)
        self.allocations = list(allocations)
        self.rooms = {str(room.pk): room for room in rooms}
        for item in self.allocations:
            self._add_case_fields(item)

    def _room_field(self, problem: str) -> forms.TypedChoiceField:
        return forms.TypedChoiceField(
            choices=[("", "")] + [(pk, room.name) for pk, room in self.rooms.items()],
            coerce=self.rooms.get,
            empty_value=None,
            required=False,
            error_messages={"invalid_choice": problem},
        )

    def _add_case_fields(self, item) -> None:
        reference = item.case.reference
        order_problem = f"{reference}: the order must be a whole number from 0 to 10000."
        self.fields[f"room_{item.pk}"] = self._room_field(f"{reference}: choose one of this workshop's rooms.")
        self.fields[f"second_{item.pk}"] = self._room_field(
            f"{reference}: choose one of this workshop's rooms as the second room."
        )
        self.fields[f"position_{item.pk}"] = forms.IntegerField(
            min_value=0,
            max_value=10000,
            error_messages={code: order_problem for code in ("required", "invalid", "min_value", "max_value")},
        )
        self.fields[f"calibration_{item.pk}"] = _Ticked()
        self.fields[f"select_{item.pk}"] = _Ticked()

    def clean_action(self) -> str:
        """The button pressed: move or split; anything else saves."""
        action = self.cleaned_data["action"]
        return action if action in (self.MOVE, self.SPLIT) else self.SAVE

    def clean(self):
        data = super().clean()
        if self.errors or data.get("action") != self.MOVE:
            return data
        if not self.selected:
            self.add_error(None, "Tick the cases to move, then choose the room.")
        elif data.get("move_to") not in self.rooms and data.get("move_to") != self.NO_ROOM:
            self.add_error("move_to", "Choose the room to move the ticked cases to.")
        return data

    def problems(self) -> list[str]:
        """Every problem found, in the page's order (the page shows them above the table)."""
        return [message for messages in self.errors.values() for message in messages]

    # What the lead asked for, once the form is valid.

    @property
    def placements(self) -> dict[int, tuple[BreakoutRoom | None, int]]:
        """Each case's room (None: no room) and order, as posted."""
        data = self.cleaned_data
        return {item.pk: (data[f"room_{item.pk}"], data[f"position_{item.pk}"]) for item in self.allocations}

    @property
    def second_rooms(self) -> dict[int, BreakoutRoom | None]:
        return {item.pk: self.cleaned_data[f"second_{item.pk}"] for item in self.allocations}

    @property
    def calibration(self) -> set[int]:
        return {item.pk for item in self.allocations if self.cleaned_data[f"calibration_{item.pk}"]}

    @property
    def selected(self) -> list[int]:
        """The cases ticked to move, in the page's order."""
        return [item.pk for item in self.allocations if self.cleaned_data.get(f"select_{item.pk}")]

    @property
    def move_to_room(self) -> BreakoutRoom | None:
        """The room the ticked cases go to (None: out of every room)."""
        return self.rooms.get(self.cleaned_data.get("move_to"))
