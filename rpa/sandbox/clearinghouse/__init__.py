"""The clearinghouse sandbox portal: "ClearPath Provider Exchange", a multi-payer provider portal
of the Availity kind, with three payers' seeded data behind one older sign-in, claim status in an
iframe, claim details in pop-up windows and eligibility in tabs; pages only.

It reuses the sandbox's accounts, sessions, obstacles, CAPTCHA, claim maker and plans, and was
written apart from any flow: docs/sandbox-clearinghouse.md is the contract an integrator reads.
Serve it with `rpa sandbox serve --portal clearinghouse`.
"""
