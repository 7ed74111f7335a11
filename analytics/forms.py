from django import forms

from analytics.models import SettingsDataset
from casereview.identifiers import reject_identifiers


class SettingsUploadForm(forms.Form):
    name = SettingsDataset._meta.get_field("name").formfield(validators=[reject_identifiers], help_text="For example: Secondary schools 2025/26, SEND suspensions.")
    description = SettingsDataset._meta.get_field("description").formfield(required=False, validators=[reject_identifiers], help_text="Where the figures come from, and for which year.")
    file = forms.FileField(help_text="A .csv (UTF-8) or .xlsx file with one row per setting; see the template.")
