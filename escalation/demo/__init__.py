"""Demo data: logins for every role and realistic volume, safe to run twice.

`seed.seed_demo` is the entry point (`manage.py seed_demo` is a thin wrapper). The
generator plans rows in memory by concept (`people`, `tickets`, `timing`, `handoffs`,
`targets`) and applies the same pure rules as the services (`escalation.accounting`),
so demo figures follow the rules real tickets follow. What the tickets say comes from
`stories` (per category), and their times are drawn against their own SLA targets
(`timing`), so the demo reads and breaches like a real desk.
"""
