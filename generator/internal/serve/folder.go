package serve

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

// The server builds the site into a folder of its own, in the system's
// temporary folder, unless told otherwise: public/ then holds only what
// the build command wrote, and a publishing build (with another base
// path, say) and the server never overwrite each other. The folder lives
// as long as the server, across restarts, and goes when it stops.
const previewDir = "explainer-preview-"

// tempPattern names a temporary folder of this process, for
// os.MkdirTemp: its process id tells [sweepTemp] whether it is still in
// use.
func tempPattern(prefix string) string {
	return prefix + strconv.Itoa(os.Getpid()) + "-"
}

// privateFolder returns the folder the server builds the site in: the
// predecessor's, after a restart, so that pages already open show the
// version the folder holds, or else a new one.
func privateFolder() (string, error) {
	if dir, ok := os.LookupEnv(envOut); ok {
		os.Unsetenv(envOut)
		if strings.HasPrefix(filepath.Base(dir), previewDir) {
			if err := os.MkdirAll(dir, 0o755); err == nil {
				return dir, nil
			}
		}
	}
	dir, err := os.MkdirTemp("", tempPattern(previewDir))
	if err != nil {
		return "", fmt.Errorf("making the server's folder: %w", err)
	}
	return dir, nil
}

// removePrivate removes the server's own folder as it stops.
func (s *Server) removePrivate() {
	if s.private != "" {
		os.RemoveAll(s.private)
	}
}

// sweepTemp removes the temporary folders (programs built for a restart,
// sites built for a preview) of servers that ended without cleaning up,
// killed, say, while building.
func sweepTemp() {
	tmp := os.TempDir()
	entries, err := os.ReadDir(tmp)
	if err != nil {
		return
	}
	for _, e := range entries {
		for _, prefix := range []string{binaryDir, previewDir} {
			rest, ok := strings.CutPrefix(e.Name(), prefix)
			if !ok || !e.IsDir() {
				continue
			}
			pidText, _, _ := strings.Cut(rest, "-")
			if pid, err := strconv.Atoi(pidText); err == nil && pid > 0 && !alive(pid) {
				os.RemoveAll(filepath.Join(tmp, e.Name()))
			}
		}
	}
}

// alive reports whether a process with id pid exists.
func alive(pid int) bool {
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}
