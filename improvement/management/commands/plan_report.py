import datetime
import json

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from casereview.models import Organisation
from improvement.board_paper import action_rows_as_of
from improvement.models import Plan
from improvement.selectors import plan_overview


def _date(text: str) -> datetime.date:
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.datetime.strptime(text.strip(), pattern).date()
        except ValueError:
            continue
    raise CommandError(f"--as-of {text!r} is not a date: write it as 2027-03-31 or 31/03/2027.")


class Command(BaseCommand):
    help = (
        "Print an LA's improvement plan as it stands now (or as at --as-of): RAG by workstream, overdue actions, "
        "every action with its rating and the previous update's, risks, KPIs, themes with no action."
    )

    def add_arguments(self, parser):
        parser.add_argument("--org", required=True, help="The organisation's slug.")
        parser.add_argument("--plan", help="The plan's title; needed when the LA has several plans.")
        parser.add_argument("--format", dest="output_format", choices=["json", "text"], default="text")
        parser.add_argument(
            "--as-of",
            dest="as_of",
            help="The date it is computed at (2027-03-31 or 31/03/2027; default today): overdue, RAG and status "
            "as they stood then, previous ratings from the latest update on or before it.",
        )

    def handle(self, *args, org, plan, output_format, as_of=None, **options):
        as_of = _date(as_of) if as_of else timezone.localdate()
        organisation = Organisation.objects.filter(slug=org).first()
        if organisation is None:
            raise CommandError(f"There is no organisation with the slug {org!r}.")
        plans = Plan.objects.for_organisation(organisation)
        if plan:
            found = plans.filter(title__iexact=plan.strip()).first()
            if found is None:
                titles = ", ".join(repr(p.title) for p in plans) or "none"
                raise CommandError(f"{organisation.name} has no plan called {plan!r} (its plans: {titles}).")
        else:
            count = plans.count()
            if count != 1:
                titles = ", ".join(repr(p.title) for p in plans)
                raise CommandError(
                    f"{organisation.name} has no plan yet."
                    if not count
                    else f"{organisation.name} has {count} plans: say which with --plan ({titles})."
                )
            found = plans.get()
        overview = plan_overview(found, as_of, compute_if_stale=True)
        overview["actions"] = action_rows_as_of(found, as_of)
        if output_format == "json":
            self.stdout.write(json.dumps(overview, indent=2, ensure_ascii=False))
        else:
            self.stdout.write(self.as_text(overview))

    def as_text(self, o) -> str:
        lines = [o["plan"], f"As at {o['as_of']}", "", "Workstreams (actions red / amber / green, overdue):"]
        for w in o["workstreams"]:
            lines.append(
                f"  {w['name']}: {w['focus_areas']} focus areas, {w['actions']} actions, "
                f"{w['rag']['red']} red / {w['rag']['amber']} amber / {w['rag']['green']} green, {w['overdue']} overdue"
            )
        lines += ["", f"Overdue actions: {len(o['overdue_actions'])}"]
        lines += [f"  {a['due']}  {a['title']} ({a['owner']}, {a['rag']})" for a in o["overdue_actions"]]
        lines += ["", "Actions (rating, previous update's rating):"]
        for a in o["actions"]:
            previous = "not in it" if a["previous_rag"] is None else (a["previous_rag"] or "not yet rated")
            ref = f"{a['ref']} " if a["ref"] else ""
            lines.append(
                f"  {a['workstream']} / {a['focus_area_ref']}: {ref}{a['title']} ({a['owner'] or 'no owner'}, "
                f"due {a['due_date']}, {a['status']}{', overdue' if a['overdue'] else ''}): "
                f"{a['rag'] or 'not yet rated'}, previous {previous}"
            )
        r = o["risks"]
        lines += ["", f"Open risks: {r['red']} red, {r['amber']} amber, {r['green']} green", "", "KPIs:"]
        for k in o["kpis"]:
            latest = (
                f"{k['latest']['value']} {k['unit']} ({k['latest']['period']})".replace("  ", " ")
                if k["latest"]
                else "no value yet"
            )
            lines.append(
                f"  {k['name']} [{k['kind']}]: latest {latest}; "
                f"target {k['target'] if k['target'] is not None else '—'}; RAG {k['rag'] or '—'}"
            )
        lines += ["", "Themes with no action: " + ("; ".join(o["themes_without_action"]) or "none")]
        return "\n".join(lines) + "\n"
