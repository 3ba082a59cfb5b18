# Homebrew formula for agent: builds from source with cargo and installs the binary, the shell
# completions of completions/ and the man page `agent man` writes.
#
# As committed it builds the newest source (`brew install --HEAD`). Each release
# (.github/workflows/release.yml) attaches a copy whose marker line below is replaced by the
# tagged source's url and sha256, ready for a tap.
class Agent < Formula
  desc "Terminal-first coding agent for local models"
  homepage "https://github.com/agent-dev/agent"
  # release: url and sha256
  license any_of: ["MIT", "Apache-2.0"]
  head "https://github.com/agent-dev/agent.git", branch: "main"

  depends_on "rust" => :build

  def install
    system "cargo", "install", *std_cargo_args
    bash_completion.install "completions/agent.bash" => "agent"
    zsh_completion.install "completions/_agent"
    fish_completion.install "completions/agent.fish"
    (buildpath/"agent.1").write Utils.safe_popen_read(bin/"agent", "man")
    man1.install buildpath/"agent.1"
  end

  test do
    assert_match "agent", shell_output("#{bin}/agent --version")
    ENV["AGENT_HOME"] = testpath/"agent-home"
    system "git", "init", "--quiet", testpath/"repo"
    cd testpath/"repo" do
      system bin/"agent", "hook", "install", "pre-commit"
      assert_match "pre-commit  installed", shell_output("#{bin}/agent hook status")
    end
  end
end
