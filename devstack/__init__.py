"""The local stack: moto's server, infra/ provisioned into it, and the Chalice app on top."""
