#pragma once
// What every command of the mailtwin executable shares: the exit codes, usage errors,
// the global options and the choice of accounts.
#include <boost/program_options.hpp>

#include <stdexcept>
#include <string>
#include <vector>

#include "mailtwin/config/config.hpp"
#include "mailtwin/results/exit_code.hpp"

namespace mailtwin::app {

namespace po = boost::program_options;

// The contract's exit codes; which failure gets which is decided in results/exit_code.hpp only.
using engine::AccountFailure;
using engine::exit_code_for;
using engine::ExitStatus;
using engine::k_exit_ok;

// Usage errors: bad options or arguments. An AccountFailure::config, like config errors.
class UsageError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

struct GlobalOptions {
    std::string config_path;
    bool verbose = false;
    bool quiet = false;
    bool ext_exit = false;
    std::string log_format = "text";
    std::string progress = "auto";
};

po::options_description global_options(GlobalOptions& g);

// --config, else the XDG default.
std::string resolved_config_path(const GlobalOptions& g);
config::Config load_config(const GlobalOptions& g);

// "no account 'x' in FILE; did you mean 'y'? (accounts: a, b)".
std::string no_such_account(const config::Config& cfg, const std::string& name);
// The named accounts (UsageError for an unknown name), or every account when none is named.
std::vector<const config::Account*> chosen_accounts(const config::Config& cfg, const std::vector<std::string>& names);

// Parses `command`'s arguments: `desc` plus ACCOUNT... positionals into `accounts`. An unknown option
// is a UsageError that names the commands it belongs to.
void parse_command(const std::string& command, const std::vector<std::string>& args, po::options_description desc,
                   std::vector<std::string>& accounts);

}  // namespace mailtwin::app
