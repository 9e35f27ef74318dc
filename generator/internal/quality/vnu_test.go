package quality

import (
	"bytes"
	"encoding/json"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestValidHTML checks every page and figure of the explainer with the Nu
// HTML Checker: no error, of any kind.
func TestValidHTML(t *testing.T) {
	t.Parallel()
	dir := explainer(t)
	java := command(t, "java", "default-jre-headless")
	jar := npmTool(t, "vnu-jar/build/dist/vnu.jar")
	var files []string
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && (strings.HasSuffix(p, ".html") || strings.HasSuffix(p, ".svg")) {
			files = append(files, p)
		}
		return err
	})
	if len(files) < 10 {
		t.Fatalf("only %d pages and figures to check", len(files))
	}
	cmd := exec.Command(java, append([]string{"-jar", jar, "--errors-only", "--also-check-svg", "--format", "json"}, files...)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	err := cmd.Run()
	var report struct {
		Messages []struct {
			Type, URL, Message string
			LastLine           int
			FirstColumn        int
			Extract            string
		}
	}
	if jerr := json.Unmarshal(stderr.Bytes(), &report); jerr != nil {
		t.Fatalf("vnu: %v, %v\n%s", err, jerr, stderr.Bytes())
	}
	for _, m := range report.Messages {
		name := m.URL
		if u, err := url.Parse(m.URL); err == nil && u.Scheme == "file" {
			if rel, err := filepath.Rel(dir, u.Path); err == nil {
				name = filepath.ToSlash(rel)
			}
		}
		t.Errorf("%s:%d:%d: %s: %s\n\t%s", name, m.LastLine, m.FirstColumn, m.Type, m.Message, strings.TrimSpace(m.Extract))
	}
	if err != nil && len(report.Messages) == 0 {
		t.Errorf("vnu: %v", err)
	}
	t.Logf("checked %d pages and figures", len(files))
}
