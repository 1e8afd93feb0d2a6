#pragma once
// Overload{lambda...}: one visitor from several lambdas, for std::visit over a variant.
namespace mailtwin::util {

template <class... Fs>
struct Overload : Fs... {
    using Fs::operator()...;
};
template <class... Fs>
Overload(Fs...) -> Overload<Fs...>;

}  // namespace mailtwin::util
