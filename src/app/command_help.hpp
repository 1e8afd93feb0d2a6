#pragma once
// Help: one table of the commands (synopsis, what each does, its options) that `mailtwin help
// [COMMAND]`, `mailtwin COMMAND --help`, `mailtwin --help` and the messages for a misplaced option
// all read. Text is wrapped at word boundaries to the terminal's width (80 columns off a terminal).
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "cli.hpp"

namespace mailtwin::app {

struct CommandInfo {
    std::string_view name;
    std::string_view synopsis;  // after "mailtwin [OPTIONS] "
    std::string_view summary;   // one line, for the list of commands
    std::string_view details;   // paragraphs separated by "\n\n"
    po::options_description (*options)();
};

const std::vector<CommandInfo>& command_table();
const CommandInfo* find_command(std::string_view name);

// The global usage (`mailtwin --help`, `mailtwin help`).
std::string global_help(const po::options_description& global, std::size_t width);
// One command's help (`mailtwin help sync`, `mailtwin sync --help`).
std::string command_help(const CommandInfo& command, const po::options_description& global, std::size_t width);
// The commands whose options include `option` (written as on the command line: "--dry-run").
std::vector<std::string> commands_taking(std::string_view option);
// "sync", "sync and forget", "a, b and c".
std::string and_list(const std::vector<std::string>& names);
// Whether a command option written as `option` takes the next word as its value ("--folder NAME").
bool option_takes_value(std::string_view option);

// `text` wrapped at spaces so no line is longer than `width` (a longer word stands alone); every
// line but the first starts with `indent` spaces, and so does the first when `indent_first`.
std::string wrap(std::string_view text, std::size_t width, std::size_t indent, bool indent_first = true);
// The width help is wrapped to: the terminal's columns on standard output (40 to 100), else 80.
std::size_t help_width();

}  // namespace mailtwin::app
