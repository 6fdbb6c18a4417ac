"""Plausible outputs of GCP's file services (Filestore)."""

from __future__ import annotations

from lepton_infra.plan.mocks.registry import outputs_for
from lepton_infra.plan.mocks.rules.gcp import with_generic


@outputs_for("gcp:filestore/instance:Instance")
def filestore_instance(name, inputs, ctx, meta):
    """Filestore gives each network an address from the range it peers into the VPC."""
    location = inputs.get("location") or f"{ctx.gcp_region}-a"
    instance = inputs.get("name") or name
    networks = [
        {**net, "ipAddresses": [f"10.250.{i}.2"]} for i, net in enumerate(inputs.get("networks") or [{}])
    ]
    return with_generic(
        name,
        inputs,
        ctx,
        meta,
        {
            "__id__": f"projects/{ctx.gcp_project}/locations/{location}/instances/{instance}",
            "location": location,
            "networks": networks,
        },
    )
