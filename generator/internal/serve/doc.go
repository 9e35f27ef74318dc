// Package serve is the dev server: it builds the site, serves it on a
// loopback address, watches the sources, rebuilds what changed and tells
// the browser to follow. An author edits in any editor and the page
// updates without a touch.
//
// # Serving
//
// [New] listens (127.0.0.1:8080 unless [Config] says otherwise; a taken
// port is an error naming it) and [Server.Run] serves the output folder
// as it is at each request: only GET and HEAD, Cache-Control no-store, a
// fixed table of content types, folders as their index.html, and the
// site's 404.html, with status 404, for anything missing. The folder is
// opened as an [os.Root] per request, so no path, encoded or not, and no
// symbolic link leads out of it; ".." is refused outright.
//
// Pages (text/html responses) get the reload script inserted before
// their </body>. Only the server does that: the files on disk, which get
// published, carry no JavaScript.
//
// # Watching
//
// The watcher follows the content folder and, when Config.Program is
// set, the Go code (figures/ and generator/), recursively, adding folders
// as they appear. Editors' temporary and backup files and hidden files
// ([site.Ignored]: vim's 4913, *.swp and *~, Emacs's .#* and #*#,
// JetBrains' ___jb_ files, Helix's .bck, ...) never count. Saves by
// rename, deletions and moves are ordinary changes: the build reads the
// folder afresh, so a deleted or moved article's output goes or moves.
//
// Changes are batched: a build starts once the files have been quiet for
// 20 ms, or 250 ms while a program writes many files, and at least every
// second while changes never stop; changes made during a build make the
// next batch. A thousand writes within a second cost at most two builds.
//
// # Rebuilding
//
// One [site.Builder] serves the whole session, so a prose edit re-parses
// that article and runs no experiment, and a parameter edit runs that one
// figure. The builder swaps its output in only when everything
// succeeded; the server then works out the new version of the site (a
// hash of every file) and wakes the pages.
//
// A change to Go code rebuilds the program (go build, into a temporary
// folder). If it fails, the old program keeps serving and the compiler's
// errors show over the page. If it builds and differs from the running
// program, the server stops serving, keeps the listening socket open,
// clears its close-on-exec flag, and replaces its process with the new
// program (syscall.Exec) with the same arguments, naming the socket's
// descriptor in EXPLAINER_SERVE_FD. The new program serves on the same
// socket, so the address never refuses a connection, and the process keeps
// its id, so make serve and go run stay attached.
//
// # The page's side
//
// The reload script connects to /.serve/events with the version its page
// shows and the file it was served from, and receives Server-Sent Events:
//
//	problems  the errors of the last build and the last Go build, with
//	          their positions, shown over the page (an empty list clears them)
//	reload    the page's file, or a stylesheet, font or other asset changed
//	figures   only the page's figures or their data changed: the images are
//	          swapped in place, and the page keeps its scroll position
//	version   other pages changed; this one is current
//
// Each event that moves the page to a version carries it as the event id,
// so a page that reconnects (after the server restarted, or came back)
// is told exactly what it missed. While the stream is down the page says
// the server is not running, and it reconnects every second.
package serve
