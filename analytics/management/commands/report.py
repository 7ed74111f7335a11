import json

from django.core.management.base import BaseCommand, CommandError

from analytics.reports import build_report
from analytics.scopes import Scope
from casereview.management.commands._organisation import organisation_by_slug
from casereview.suggestions import did_you_mean
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
        organisation = organisation_by_slug(org)
        scope = Scope()
        if workshop:
            found = Workshop.objects.for_organisation(organisation).filter(title__iexact=workshop.strip()).first()
            if found is None:
                titles = Workshop.objects.for_organisation(organisation).values_list("title", flat=True)
                raise CommandError(
                    f"{organisation.name} has no workshop called {workshop!r}.{did_you_mean(workshop, titles)}"
                    f" List them with: manage.py list_workshops --org {organisation.slug}"
                )
            scope = Scope.of(workshop=found.pk)
        figures = build_report(organisation, scope)
        if output_format == "json":
            self.stdout.write(json.dumps(figures, indent=2, ensure_ascii=False, default=str))
        else:
            self.stdout.write(self.as_text(organisation, workshop, figures))

    def as_text(self, organisation, workshop, f) -> str:
        """Everything the JSON has, for reading: intervals, children, small-number flags, retired
        entries, breakdowns, comparisons (with their warning) and the DBV summary."""
        o = f["outcome"]
        lines = [
            f"{organisation.name}: {workshop or 'all workshops'}",
            f"Reviewed {f['reviewed']} ({_children(f.get('children'))}), excluded (no consensus) {f['excluded']}, "
            f"analysed {f['analysed']} ({_children(o.get('children'))}).",
            f"Ideal {o['ideal']} ({pct(o['ideal_share'])}{_ci(o.get('ideal_ci95'))}), "
            f"not ideal {o['non_ideal']} ({pct(o['non_ideal_share'])}{_ci(o['ci95'])}){_small(o['small'])}.",
            "",
            f"Non-ideal areas (share of {o['non_ideal']} non-ideal reviews; a review may name several):",
            *[
                f"  {r['count']:>4}  {_share(r['share'], r.get('ci95'))}  {_label(r)}{_small(r['small'])}"
                for r in f["non_ideal_areas"]
                if r["count"]
            ],
            "",
            (
                f"Themes (share of {f['analysed']} analysed reviews; as barriers, of {o['non_ideal']} non-ideal; "
                f"as enablers, of {o['ideal']} ideal):"
            ),
            *[
                f"  {r['count']:>4}  {_share(r['share'], r.get('ci95'))}  {_label(r)}{_small(r['small'])}"
                + (
                    f"\n          barrier {r['barrier_count']} "
                    f"({_share(r['barrier_share'], r['barrier_ci95']).strip()}{_small(r['barrier_small'])}),"
                    f" enabler {r['enabler_count']} "
                    f"({_share(r['enabler_share'], r['enabler_ci95']).strip()}{_small(r['enabler_small'])})"
                    if "barrier_count" in r
                    else ""
                )
                for r in f["themes"]
                if r["count"]
            ],
            "",
            "Provision at review (reviewed with consensus, ideal, share ideal with 95% CI, no consensus):",
            *[
                f"  {r['reviewed']:>4}  {r['ideal']:>4}  {_share(r['ideal_share'], r.get('ci95'))}  "
                f"{r['excluded']:>3}  {_label(r)}{_small(r['small'])}"
                for r in f["provision"]
            ],
            "",
            "Current provision -> better provision (non-ideal reviews):",
            *[f"  {r['count']:>4}  {r['current_label']} -> {r['better_label']}" for r in f["provision_crosstab"]],
            "",
            *self.agreement_text(f.get("agreement")),
        ]
        if "dbv_summary" in f:
            lines += [
                "",
                (
                    "DBV summary (per provision at review: reviewed, ideal, not ideal, share ideal with 95% CI; "
                    "better supported in):"
                ),
            ]
            for r in [*f["dbv_summary"]["rows"], f["dbv_summary"]["total"]]:
                better = ", ".join(f"{b['label']} {b['count']}" for b in r.get("better", []))
                lines.append(
                    f"  {_label(r)}: {r['reviewed']} reviewed, {r['ideal']} ideal, {r['non_ideal']} not ideal, "
                    f"{_share(r['ideal_share'], r['ci95']).strip()} ideal{_small(r['small'])}"
                    + (f"; better supported in: {better}" if better else "")
                )
        for dimension, rows in f["breakdowns"].items():
            if not rows:
                continue
            lines += [
                "",
                (
                    f"By {dimension.replace('_', ' ')} (reviewed, no consensus, analysed, children, not ideal, "
                    "share not ideal with 95% CI):"
                ),
            ]
            lines += [
                f"  {r['reviewed']:>4}  {r['excluded']:>3}  {r['analysed']:>4}  "
                f"{r.get('children', ''):>4}  {r['non_ideal']:>4}  "
                f"{_share(r['non_ideal_share'], r.get('ci95'))}  {r['label']}{_small(r['small'])}"
                for r in rows
            ]
        if f.get("comparisons"):
            lines += ["", "Do the groups differ in the share not ideal?"]
            lines += [f"  By {c['label'].lower()}: {c['words']}" for c in f["comparisons"]]
            lines.append(f"  {f['comparisons_warning']}")
        if f["disciplines"]:
            lines += [
                "",
                "Who was in the rooms (people, rooms):",
                *[f"  {d['people']:>4}  {d['rooms']:>3}  {d['label']}" for d in f["disciplines"]],
            ]
        for poll in f["polls"]:
            lines += [
                "",
                (
                    f"Poll “{poll['question']}” ({poll['workshop']}): "
                    f"{poll['answers']} answers from {poll['phones']} phones."
                ),
                *[f"  {w['count']:>4}  {w['word']}" for w in poll["words"]],
            ]
        for process_map in f["process_maps"]:
            lines += [
                "",
                (
                    f"Process map “{process_map['title']}” ({process_map['workshop']}): "
                    f"{process_map['findings']} findings."
                ),
                *[
                    f"  {s['position']}. {s['title']}: "
                    + ", ".join(f"{kind.replace('_', ' ')} {n}" for kind, n in s["counts"].items())
                    for s in process_map["steps"]
                ],
            ]
        if f["process_maps"]:
            lines += [
                "",
                "Themes across case reviews and process maps (reviews, findings):",
                *[f"  {r['reviews']:>4}  {r['findings']:>4}  {_label(r)}" for r in f["combined_themes"] if r["total"]],
            ]
        return "\n".join(lines)

    @staticmethod
    def agreement_text(agreement) -> list[str]:
        if not agreement or not agreement["cases"]:
            return ["Agreement between rooms: no case was reviewed by more than one room."]
        lines = [f"Agreement between rooms ({agreement['cases']} cases reviewed by two or more rooms):"]
        for label, key in (("outcome", "outcome"), ("better provision", "better_provision")):
            a = agreement[key]
            kappa = (
                (
                    f"kappa {a['kappa']:.2f}"
                    + (f" (95% CI {a['ci95'][0]:.2f} to {a['ci95'][1]:.2f})" if a["ci95"] else "")
                    + f", {a['reading']}"
                )
                if a["kappa"] is not None
                else (a["reason"] or "")
            )
            agreed = f"{a['agreed']} of {a['cases']} agreed" if a["cases"] else "no cases"
            lines.append(f"  {label}: {agreed}; {kappa}")
        lines.append(f"  Disagreements awaiting moderation: {agreement['awaiting_moderation']}")
        return lines


def _children(n) -> str:
    return "children not counted" if n is None else f"{n} child{'ren' if n != 1 else ''}"


def _ci(ci95) -> str:
    return f", 95% CI {pct(ci95[0])} to {pct(ci95[1])}" if ci95 else ""


def _share(share, ci95) -> str:
    return f"{pct(share):>4}" + (f" ({pct(ci95[0])} to {pct(ci95[1])})" if ci95 else "")


def _small(small: bool) -> str:
    return " [small numbers: fewer than 5 reviews]" if small else ""


def _label(row) -> str:
    return row["label"] + (" (retired)" if row.get("retired") else "")
