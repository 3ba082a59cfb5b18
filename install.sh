#!/usr/bin/env sh
# Installs agent: the binary (cargo install), shell completions and the man page, for this user.
# Usage: ./install.sh            (installs into ~/.cargo/bin and ~/.local/share)
#        PREFIX=/usr/local ./install.sh   (completions and man page under $PREFIX/share)
set -eu

cd "$(dirname "$0")"
command -v cargo >/dev/null 2>&1 || {
    echo "error: cargo is not installed" >&2
    echo "hint: install Rust from your package manager or rustup, then run ./install.sh again" >&2
    exit 1
}

echo "installing the agent binary (cargo install --path . --locked)..." >&2
cargo install --path . --locked --quiet

bin_dir="${CARGO_HOME:-$HOME/.cargo}/bin"
agent="$bin_dir/agent"
share="${PREFIX:-${XDG_DATA_HOME:-$HOME/.local/share}}"
case "${PREFIX:-}" in
    "") ;;
    *) share="$PREFIX/share" ;;
esac

mkdir -p "$share/bash-completion/completions" "$share/zsh/site-functions" \
         "$share/fish/vendor_completions.d" "$share/man/man1"
"$agent" completions bash > "$share/bash-completion/completions/agent"
"$agent" completions zsh > "$share/zsh/site-functions/_agent"
"$agent" completions fish > "$share/fish/vendor_completions.d/agent.fish"
"$agent" man > "$share/man/man1/agent.1"

echo "installed $agent" >&2
echo "completions: $share/{bash-completion,zsh,fish}; man page: $share/man/man1/agent.1" >&2
case ":$PATH:" in
    *":$bin_dir:"*) ;;
    *) echo "note: add $bin_dir to your PATH" >&2 ;;
esac
"$agent" --version
