"""@devcontainer: run a Metaflow step inside a container on the local Docker engine.

Modules: config (devcontainer.json, JSONC), policy (the sandbox), engine (docker SDK calls),
launcher (the per-task host process), backends (where the container runs: docker, devpod,
daytona), watchdog (removes a sandbox whose launcher died), decorator (the Metaflow step
decorator). Nothing here imports `docker` or `daytona` at module level: an
import error in a plugins module would disable every plugin of the extension.
"""
