#pragma once
// The root pointer and size every tree-backed collection holds, with the reference-counted
// copy, move and swap they all share. `Structure` supplies Node and static retain/release.

#include <cstddef>
#include <utility>

namespace spl::persistent::internal {

template <class Structure>
class CountedRoot {
 public:
  using Node = typename Structure::Node;

  CountedRoot() noexcept = default;
  CountedRoot(const CountedRoot& o) noexcept : root_(o.root_), size_(o.size_) { Structure::retain(root_); }
  CountedRoot(CountedRoot&& o) noexcept
      : root_(std::exchange(o.root_, nullptr)), size_(std::exchange(o.size_, 0)) {}
  CountedRoot& operator=(const CountedRoot& o) noexcept {
    CountedRoot copy(o);
    swap(copy);
    return *this;
  }
  CountedRoot& operator=(CountedRoot&& o) noexcept {
    CountedRoot moved(std::move(o));
    swap(moved);
    return *this;
  }
  ~CountedRoot() { Structure::release(root_); }

  void swap(CountedRoot& o) noexcept {
    std::swap(root_, o.root_);
    std::swap(size_, o.size_);
  }

  std::size_t size() const noexcept { return size_; }
  const Node* root() const noexcept { return root_; }

 protected:
  Node* root_ = nullptr;
  std::size_t size_ = 0;
};

}  // namespace spl::persistent::internal
