"""Hand-off of submissions to the administration: one backend per way of delivery (e-mail, webhook, ...)."""
