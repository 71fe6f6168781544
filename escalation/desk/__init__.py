"""The agents' desk (/desk/): plain, fast pages over the same selectors, policies and
services the admin uses, one module per concept."""
