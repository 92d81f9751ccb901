// libgit2 (Debian: libgit2-dev), read in-process for repository state: HEAD, trees, the index,
// blob ids and history.
#include <git2.h>
