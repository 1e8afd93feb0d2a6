#pragma once
// Server folders that would share one local folder. IMAP spells INBOX in any case and mailtwin
// writes it as "INBOX" locally, so "INBOX/Sub" and "inbox/Sub" (two folders on a server that keeps
// the case of INBOX's children) or a server listing both "Inbox" and "INBOX" map to one directory:
// synced, each would receive the other's mail on every run. Such names are never synced; each is
// reported, failing (exit 1), until one is renamed on the server or excluded in sync.folders.
//
// Paths are compared exactly: Linux file systems are case-sensitive, so "Work" and "work" are two
// local folders. (A Maildir on a case-insensitive file system must not hold such pairs.)
#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace mailtwin::engine {

struct MappedFolder {
    std::string remote_name;
    std::filesystem::path local_path;
};

// For each colliding remote name, the other remote names that map to its local path.
std::map<std::string, std::vector<std::string>> colliding_folders(const std::vector<MappedFolder>& folders);

// "server folders "INBOX/Sub" and "inbox/Sub" both map to the local folder …; neither is synced …"
std::string describe_collision(const std::string& name, const std::vector<std::string>& others,
                               const std::filesystem::path& local_path);

// The same rule for a directory that the layout reads as one folder while another tool keeps a
// different server folder in it: with layout = "dotted", <root>/v1.2 is the folder "v1/2", and also
// where offlineimap's default layout keeps the server folder "v1.2" (which mailtwin refuses, see
// maildir::Layout::taken_path()). Whatever the directory holds may be either folder's mail, so
// "v1/2" is not synced through it either (exit 1) until one of the names changes.
std::string describe_taken(const std::string& name, const std::string& refused_name,
                           const std::filesystem::path& local_path);

}  // namespace mailtwin::engine
