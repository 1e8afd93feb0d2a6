#pragma once
// A MessageSink (store/store.hpp) that keeps what a reading store hands it, for tests of read().
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "mailtwin/store/store.hpp"

namespace mailtwin::test {

class RecordingSink final : public store::MessageSink {
public:
    struct Message {
        std::uint64_t size = 0;  // as begin() announced it
        std::string bytes;
    };

    void begin(std::uint64_t size) override {
        m_bytes.clear();  // a begin() without end() is dropped, as the contract says
        m_size = size;
    }
    void data(std::string_view chunk) override {
        m_bytes.append(chunk);
        ++chunks;
    }
    void end(std::size_t index) override {
        received[index] = Message{m_size, std::move(m_bytes)};
        m_bytes.clear();
    }
    boost::asio::awaitable<util::Expected<void>> pause() override {
        ++pauses;
        co_return util::Expected<void>{};
    }

    std::map<std::size_t, Message> received;  // by the index given to read()
    std::size_t chunks = 0;
    std::size_t pauses = 0;

private:
    std::string m_bytes;
    std::uint64_t m_size = 0;
};

}  // namespace mailtwin::test
