// A small persistent thread pool for the addon: the built-in GEMM and the fused passes split their
// rows over it. Threads are started once and wait on a condition variable between calls, because
// the sweep calls each kernel once per row block and starting threads per call would cost more
// than a small block's work. One parallel region at a time: a caller that finds the pool busy
// (another Node worker thread using the same addon) runs its chunks itself, one after the other,
// which gives the same result since the work split depends only on the chunk count.
#pragma once

#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace flatlab {

class Pool {
 public:
  static Pool& get() {
    // Leaked on purpose: joining waiting threads from a static destructor at exit could hang or
    // terminate; the OS reclaims them.
    static Pool* p = new Pool();
    return *p;
  }

  int size() const { return size_; }

  void setSize(int n) {
    std::lock_guard<std::mutex> region(run_);
    if (n < 1) n = 1;
    if (n > 64) n = 64;
    size_ = n;
  }

  // Calls f(t) for t = 0 … chunks−1, concurrently when the pool is free; the caller runs chunk 0.
  void run(int chunks, const std::function<void(int)>& f) {
    if (chunks <= 1) {
      if (chunks == 1) f(0);
      return;
    }
    std::unique_lock<std::mutex> region(run_, std::try_to_lock);
    if (!region.owns_lock()) {
      for (int t = 0; t < chunks; t++) f(t);
      return;
    }
    ensureWorkers(chunks - 1);
    {
      std::lock_guard<std::mutex> lk(m_);
      job_ = &f;
      chunks_ = chunks;
      pending_ = chunks - 1;
      gen_++;
    }
    cv_.notify_all();
    f(0);
    std::unique_lock<std::mutex> lk(m_);
    done_.wait(lk, [&] { return pending_ == 0; });
    job_ = nullptr;
  }

 private:
  Pool() {
    const unsigned hc = std::thread::hardware_concurrency();
    size_ = hc == 0 ? 1 : static_cast<int>(hc > 64 ? 64 : hc);
  }

  void ensureWorkers(int n) {
    while (static_cast<int>(workers_.size()) < n) {
      const int id = static_cast<int>(workers_.size()) + 1;  // chunk index this worker runs
      workers_.emplace_back([this, id] { loop(id); });
      workers_.back().detach();
    }
  }

  void loop(int id) {
    unsigned seen = 0;
    {
      std::lock_guard<std::mutex> lk(m_);
      seen = gen_;  // a worker started for this region still runs it: see below
      if (job_ && id < chunks_) seen = gen_ - 1;
    }
    for (;;) {
      const std::function<void(int)>* job;
      {
        std::unique_lock<std::mutex> lk(m_);
        cv_.wait(lk, [&] { return gen_ != seen; });
        seen = gen_;
        if (id >= chunks_) continue;
        job = job_;
      }
      (*job)(id);
      std::lock_guard<std::mutex> lk(m_);
      if (--pending_ == 0) done_.notify_one();
    }
  }

  int size_ = 1;
  std::mutex run_;  // held for a whole parallel region
  std::mutex m_;
  std::condition_variable cv_, done_;
  const std::function<void(int)>* job_ = nullptr;
  int chunks_ = 0, pending_ = 0;
  unsigned gen_ = 0;
  std::vector<std::thread> workers_;
};

}  // namespace flatlab
