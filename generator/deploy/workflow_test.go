package deploy

import (
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/rhysd/actionlint"
	"gopkg.in/yaml.v3"
)

// workflow is the GitHub Actions workflow that deploys to GitHub Pages.
var workflow = filepath.Join("..", "..", ".github", "workflows", "pages.yml")

// lint checks a workflow as actionlint does: its syntax, the inputs and
// outputs of the actions it uses (actionlint knows the popular ones, the
// official Pages actions among them), expressions, job dependencies and,
// where shellcheck is installed, the scripts.
func lint(t *testing.T, path string) []*actionlint.Error {
	t.Helper()
	opts := &actionlint.LinterOptions{}
	if p, err := exec.LookPath("shellcheck"); err == nil {
		opts.Shellcheck = p
	}
	l, err := actionlint.NewLinter(io.Discard, opts)
	if err != nil {
		t.Fatal(err)
	}
	errs, err := l.LintFile(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	return errs
}

func TestPagesWorkflowLints(t *testing.T) {
	for _, e := range lint(t, workflow) {
		t.Errorf("%s:%d:%d: %s [%s]", workflow, e.Line, e.Column, e.Message, e.Kind)
	}

	// The linter does find mistakes: a misspelt input, an output no step
	// makes.
	data, err := os.ReadFile(workflow)
	if err != nil {
		t.Fatal(err)
	}
	broken := strings.Replace(string(data), "          path: public", "          paht: public", 1)
	broken = strings.Replace(broken, "steps.deployment.outputs.page_url", "steps.deploy.outputs.page_url", 1)
	p := filepath.Join(t.TempDir(), "pages.yml")
	if err := os.WriteFile(p, []byte(broken), 0o644); err != nil {
		t.Fatal(err)
	}
	var kinds []string
	for _, e := range lint(t, p) {
		kinds = append(kinds, e.Kind)
	}
	slices.Sort(kinds)
	if want := []string{"action", "expression"}; !slices.Equal(slices.Compact(kinds), want) {
		t.Errorf("the broken workflow's errors are of kinds %q, want %q", kinds, want)
	}
}

// TestPagesWorkflowBuildsWhatTheGeneratorWrites checks what actionlint
// cannot know: that the workflow builds and caches the folders the
// generator uses, and deploys with the official actions.
func TestPagesWorkflowBuildsWhatTheGeneratorWrites(t *testing.T) {
	data, err := os.ReadFile(workflow)
	if err != nil {
		t.Fatal(err)
	}
	type step struct {
		ID   string            `yaml:"id"`
		Uses string            `yaml:"uses"`
		Run  string            `yaml:"run"`
		With map[string]string `yaml:"with"`
		Env  map[string]string `yaml:"env"`
	}
	var w struct {
		On struct {
			Push struct {
				Branches []string `yaml:"branches"`
			} `yaml:"push"`
		} `yaml:"on"`
		Permissions map[string]string `yaml:"permissions"`
		Jobs        map[string]struct {
			Needs string `yaml:"needs"`
			Steps []step `yaml:"steps"`
		} `yaml:"jobs"`
	}
	if err := yaml.Unmarshal(data, &w); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(w.On.Push.Branches, []string{"main"}) {
		t.Errorf("deploys on pushes to %q, want main", w.On.Push.Branches)
	}
	if w.Permissions["pages"] != "write" || w.Permissions["id-token"] != "write" {
		t.Errorf("permissions %v: deploy-pages needs pages and id-token: write", w.Permissions)
	}
	uses := func(job string) map[string]step {
		m := make(map[string]step)
		for _, s := range w.Jobs[job].Steps {
			name, _, _ := strings.Cut(s.Uses, "@")
			if s.Uses == "" {
				name = "run"
			}
			m[name] = s
		}
		return m
	}
	build, deploy := uses("build"), uses("deploy")
	for _, a := range []string{"actions/checkout", "actions/setup-go", "actions/configure-pages", "actions/cache", "actions/upload-pages-artifact", "run"} {
		if _, ok := build[a]; !ok {
			t.Errorf("the build job does not use %s", a)
		}
	}
	if _, ok := deploy["actions/deploy-pages"]; !ok || w.Jobs["deploy"].Needs != "build" {
		t.Error("the deploy job does not run actions/deploy-pages after the build")
	}
	run := build["run"].Run
	if !strings.HasPrefix(run, "go run ./generator build ") || !strings.Contains(run, "-out public") || !strings.Contains(run, `-base "$BASE"`) {
		t.Errorf("the build step runs %q", run)
	}
	if base := build["run"].Env["BASE"]; base != "${{ steps."+build["actions/configure-pages"].ID+".outputs.base_path }}/" {
		t.Errorf("the base path is %q, not configure-pages' base_path", base)
	}
	if got := build["actions/upload-pages-artifact"].With["path"]; got != "public" {
		t.Errorf("the artifact is %q, not the folder built", got)
	}
	cache := build["actions/cache"].With
	if cache["path"] != ".cache" {
		t.Errorf("the cache saves %q, not the generator's .cache", cache["path"])
	}
	for _, dir := range []string{"figures/**", "generator/**", "content/**", "go.sum"} {
		if !strings.Contains(cache["key"], "'"+dir+"'") {
			t.Errorf("the cache key %q does not hash %s", cache["key"], dir)
		}
	}
}
