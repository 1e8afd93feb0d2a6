#include "mailtwin/results/internal_error.hpp"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

#include "mailtwin/results/engine_error.hpp"

namespace mailtwin::engine {
namespace {

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

TEST(InternalError, NothingWhenTheCoroutineFinished) {
    EXPECT_FALSE(internal_error(nullptr, "listing the server's folders").has_value());
}

TEST(InternalError, AStdExceptionSaysWhatItWasAndWhatWasBeingDone) {
    const auto error = internal_error(std::make_exception_ptr(std::logic_error("map::at")), "syncing the account");
    ASSERT_TRUE(error.has_value());
    EXPECT_EQ(error->code, EngineError::unexpected);
    EXPECT_TRUE(contains(error->message, "internal error while syncing the account: map::at")) << error->message;
    EXPECT_TRUE(contains(error->message, "a bug in mailtwin: please report it")) << error->message;
}

TEST(InternalError, AnExceptionOfAnyOtherTypeIsCaughtToo) {
    struct NotAStdException {};
    const auto error = internal_error(std::make_exception_ptr(NotAStdException{}), "watching the account");
    ASSERT_TRUE(error.has_value());
    EXPECT_EQ(error->code, EngineError::unexpected);
    EXPECT_TRUE(contains(error->message,
                         "internal error while watching the account: an exception that is no "
                         "std::exception"))
        << error->message;
    EXPECT_TRUE(contains(error->message, "please report it")) << error->message;
}

TEST(InternalError, DescribedAsAnUnexpectedEngineFailure) {
    const auto error = internal_error(std::make_exception_ptr(std::runtime_error("x")), "listing");
    ASSERT_TRUE(error.has_value());
    EXPECT_TRUE(contains(error->describe(), "(engine: unexpected failure)")) << error->describe();
}

}  // namespace
}  // namespace mailtwin::engine
