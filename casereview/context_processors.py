from casereview.tenancy import membership_of


def membership(request):
    """The signed-in person's LA and role, for the navigation bar on every page."""
    return {"current_membership": membership_of(request.user)}
