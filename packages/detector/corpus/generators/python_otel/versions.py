"""The versions a recording was made with: Python, the app's packages, and every OpenTelemetry package installed."""

import sys
from importlib.metadata import distributions, version


def versions(packages):
    out = {"python": sys.version.split()[0]}
    out.update({p: version(p) for p in packages})
    otel = sorted((d.metadata["Name"].lower(), d.version) for d in distributions() if d.metadata["Name"].lower().startswith("opentelemetry-"))
    out.update(dict(otel))
    return out
