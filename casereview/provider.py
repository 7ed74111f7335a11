"""Where allauth looks for the providers of an installed app (``<app>.provider``)."""

from casereview.signin.oidc import CouncilProvider

provider_classes = [CouncilProvider]
