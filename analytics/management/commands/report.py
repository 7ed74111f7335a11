import json

from django.core.management.base import BaseCommand, CommandError

from analytics.reports import build_report
from analytics.scopes import Scope
from casereview.models import Organisation
from workshops.models import Workshop


def pct(share) -> str:
    return "—" if share is None else f"{share * 100:.0f}%"


class Command(BaseCommand):
    help = "Compute an LA's case review report (the same code as the dashboards) and print it."

    def add_arguments(self, parser):
        parser.add_argument("--org", required=True, help="The organisation's slug.")
        parser.add_argument("--workshop", help="One workshop's title; default: all workshops.")
        parser.add_argument("--format", dest="output_format", choices=["json", "text"], default="text")

    def handle(self, *args, org, workshop, output_format, **options):
        organisation = Organisation.objects.filter(slug=org).first()
        if organisation is None:
            raise CommandError(f"There is no organisation with the slug {org!r}.")
        scope = Scope()
        if workshop:
            found = Workshop.objects.for_organisation(organisation).filter(title__iexact=workshop.strip()).first()
            if found is None:
                raise CommandError(f"{organisation.name} has no workshop called {workshop!r}.")
            scope = Scope("workshop", str(found.pk))
        figures = build_report(organisation, scope)
        if output_format == "json":
            self.stdout.write(json.dumps(figures, indent=2, ensure_ascii=False, default=str))
        else:
            self.stdout.write(self.as_text(organisation, workshop, figures))

    def as_text(self, organisation, workshop, f) -> str:
        o = f["outcome"]
        lines = [
            f"{organisation.name}: {workshop or 'all workshops'}",
            f"Reviewed {f['reviewed']}, excluded (no consensus) {f['excluded']}, analysed {f['analysed']}.",
            f"Ideal {o['ideal']} ({pct(o['ideal_share'])}), not ideal {o['non_ideal']} ({pct(o['non_ideal_share'])})"
            + (f", 95% CI {pct(o['ci95'][0])} to {pct(o['ci95'][1])}" if o["ci95"] else "")
            + (" [small numbers]" if o["small"] else "") + ".",
            "",
            f"Non-ideal areas (share of {o['non_ideal']} non-ideal reviews):",
            *[f"  {r['count']:>4}  {pct(r['share']):>4}  {r['label']}" for r in f["non_ideal_areas"] if r["count"]],
            "",
            f"Themes (share of {f['analysed']} analysed reviews):",
            *[f"  {r['count']:>4}  {pct(r['share']):>4}  {r['label']}" for r in f["themes"] if r["count"]],
            "",
            "Provision (reviewed with consensus, ideal, share ideal):",
            *[f"  {r['reviewed']:>4}  {r['ideal']:>4}  {pct(r['ideal_share']):>4}  {r['label']}" for r in f["provision"]],
            "",
            "Current provision -> better provision (non-ideal reviews):",
            *[f"  {r['count']:>4}  {r['current_label']} -> {r['better_label']}" for r in f["provision_crosstab"]],
            "",
            *self.agreement_text(f.get("agreement")),
        ]
        return "\n".join(lines)

    @staticmethod
    def agreement_text(agreement) -> list[str]:
        if not agreement or not agreement["cases"]:
            return ["Agreement between rooms: no case was reviewed by more than one room."]
        lines = [f"Agreement between rooms ({agreement['cases']} cases reviewed by two or more rooms):"]
        for label, key in (("outcome", "outcome"), ("better provision", "better_provision")):
            a = agreement[key]
            kappa = (f"kappa {a['kappa']:.2f}" + (f" (95% CI {a['ci95'][0]:.2f} to {a['ci95'][1]:.2f})" if a["ci95"] else "")
                     + f", {a['reading']}") if a["kappa"] is not None else (a["reason"] or "")
            agreed = f"{a['agreed']} of {a['cases']} agreed" if a["cases"] else "no cases"
            lines.append(f"  {label}: {agreed}; {kappa}")
        lines.append(f"  Disagreements awaiting moderation: {agreement['awaiting_moderation']}")
        return lines
