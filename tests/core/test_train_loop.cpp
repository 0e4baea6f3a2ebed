// SPDX-License-Identifier: GPL-3.0-or-later
// nn::train_loop on models small enough to know the answer: linear regression (the loop must
// reach the least-squares solution), models that record what they are given (batches, the order
// of the examples, the random numbers), and fixed gradients (clipping). Epochs over shuffled data
// and step-count runs on generated batches, callbacks, pause, resume and stop.
#include "attnviz/core/nn/optim.hpp"
#include "attnviz/core/nn/train_loop.hpp"

#include <QtTest>

#include <atomic>
#include <cmath>
#include <future>
#include <limits>
#include <numeric>
#include <thread>
#include <vector>

using namespace attnviz;
using namespace attnviz::nn;

namespace {

// ---- linear regression: y = x·w + b --------------------------------------------------------

struct RegressionBatch {
    Eigen::MatrixXd x;  // (n × d)
    Eigen::VectorXd y;  // (n)
};

// loss = Σ_i ½ (x_i·w + b − y_i)² over the batch (a sum: the source says n tokens).
struct LinearRegression {
    Param<double> w, b;
    explicit LinearRegression(int d) : w("w", 1, d), b("b", 1, 1) {}
    ParamList<double> parameters() { return {&w, &b}; }
    double loss_and_grad(const RegressionBatch& batch, Rng*)
    {
        const Eigen::VectorXd r = (batch.x * w.value.transpose()).array() + b.value(0, 0) - batch.y.array();  // (n)
        w.grad += (batch.x.transpose() * r).transpose();  // (1 × d)
        b.grad(0, 0) += r.sum();
        return 0.5 * r.squaredNorm();
    }
};

// Plain gradient descent: any type with zero_grad() and step() is an optimiser for the loop.
struct Sgd {
    ParamList<double> params;
    double lr;
    void zero_grad()
    {
        for (auto* p : params) p->zero_grad();
    }
    void step()
    {
        for (auto* p : params) p->value -= lr * p->grad;
    }
};

// A fixed data set in epochs of shuffled batches.
struct RegressionData {
    Eigen::MatrixXd x;
    Eigen::VectorXd y;
};

class DataBatches {
public:
    DataBatches(const RegressionData& data, int batch_size) : data_(data), order_(int(data.x.rows()), batch_size) {}
    void start_epoch(Rng& rng) { order_.start_epoch(rng); }
    bool next(Rng&)
    {
        if (!order_.next()) return false;
        const auto rows = order_.rows();
        batch_.x.resize(Eigen::Index(rows.size()), data_.x.cols());
        batch_.y.resize(Eigen::Index(rows.size()));
        for (std::size_t i = 0; i < rows.size(); ++i) {
            batch_.x.row(Eigen::Index(i)) = data_.x.row(rows[i]);
            batch_.y(Eigen::Index(i)) = data_.y(rows[i]);
        }
        return true;
    }
    const RegressionBatch& batch() const { return batch_; }
    long long tokens() const { return batch_.x.rows(); }

private:
    const RegressionData& data_;
    ShuffledBatches order_;
    RegressionBatch batch_;
};

// Endless batches drawn from the loop's Rng: x ~ N(0, 1), y = x·w* + b*. `period` > 0 ends an
// "epoch" every `period` batches (a reporting period); 0 never ends one.
class GeneratedBatches {
public:
    GeneratedBatches(Eigen::RowVectorXd w, double b, int batch_size, int period = 0)
        : w_(std::move(w)), b_(b), n_(batch_size), period_(period) {}
    void start_epoch(Rng&) { made_ = 0; }
    bool next(Rng& rng)
    {
        if (period_ > 0 && made_ == period_) return false;
        ++made_;
        batch_.x.resize(n_, w_.size());
        for (Eigen::Index i = 0; i < batch_.x.size(); ++i) batch_.x.data()[i] = rng.normal();
        batch_.y = (batch_.x * w_.transpose()).array() + b_;
        return true;
    }
    const RegressionBatch& batch() const { return batch_; }
    long long tokens() const { return n_; }

private:
    Eigen::RowVectorXd w_;
    double b_;
    int n_, period_, made_ = 0;
    RegressionBatch batch_;
};

RegressionData make_regression(int n, const Eigen::RowVectorXd& w, double b, double noise, std::uint64_t seed)
{
    Rng rng(seed);
    RegressionData d;
    d.x.resize(n, w.size());
    d.y.resize(n);
    for (int i = 0; i < n; ++i) {
        for (Eigen::Index j = 0; j < w.size(); ++j) d.x(i, j) = rng.normal();
        d.y(i) = d.x.row(i).dot(w) + b + noise * rng.normal();
    }
    return d;
}

// ---- a model that records what it is given --------------------------------------------------

struct IndexBatch {
    std::vector<int> rows;
};

// loss = Σ (row + 1) over the batch; every call draws one number from the Rng (as dropout would).
struct Recorder {
    Param<double> p{"p", 1, 1};
    std::vector<std::vector<int>> batches;
    std::vector<std::uint64_t> draws;
    ParamList<double> parameters() { return {&p}; }
    double loss_and_grad(const IndexBatch& batch, Rng* rng)
    {
        batches.push_back(batch.rows);
        draws.push_back(rng->next_u64());
        double loss = 0;
        for (int r : batch.rows) loss += r + 1;
        p.grad(0, 0) += 1.0;
        return loss;
    }
};

class IndexBatches {
public:
    IndexBatches(int count, int batch_size) : order_(count, batch_size) {}
    void start_epoch(Rng& rng) { order_.start_epoch(rng); }
    bool next(Rng&)
    {
        if (!order_.next()) return false;
        batch_.rows.assign(order_.rows().begin(), order_.rows().end());
        return true;
    }
    const IndexBatch& batch() const { return batch_; }
    long long tokens() const { return static_cast<long long>(batch_.rows.size()); }

private:
    ShuffledBatches order_;
    IndexBatch batch_;
};

// A model whose gradient is always `g` (loss 1 per step).
struct FixedGradient {
    Param<double> p{"p", 1, 2};
    Eigen::RowVector2d g;
    ParamList<double> parameters() { return {&p}; }
    double loss_and_grad(const IndexBatch&, Rng*)
    {
        p.grad += g;
        return 1.0;
    }
};

static_assert(Optimizer<Adam<float>> && Optimizer<Adam<double>> && Optimizer<Sgd>);
static_assert(BatchSource<DataBatches> && BatchSource<GeneratedBatches> && BatchSource<IndexBatches>);
static_assert(TrainableOn<LinearRegression, DataBatches> && TrainableOn<Recorder, IndexBatches>);
static_assert(!TrainableOn<Recorder, DataBatches>);  // the batch types differ

}  // namespace

class TestTrainLoop : public QObject {
    Q_OBJECT

private slots:
    void gradient_descent_reaches_least_squares()
    {
        // Noisy data: the answer is the least-squares fit of [x 1], solved here by QR.
        const Eigen::RowVector3d w_true(2.0, -1.0, 0.5);
        const RegressionData data = make_regression(64, w_true, 0.3, 0.1, 11);
        Eigen::MatrixXd a(64, 4);
        a << data.x, Eigen::VectorXd::Ones(64);
        const Eigen::VectorXd fit = a.colPivHouseholderQr().solve(data.y);

        LinearRegression model(3);
        Sgd sgd{model.parameters(), 0.01};  // XᵀX ≈ 64 I: 0.01 is well inside the stable step 2 / λ_max
        DataBatches source(data, 64);       // one full batch per epoch: plain gradient descent
        TrainLoopOptions o;
        o.epochs = 400;
        o.clip = std::numeric_limits<double>::infinity();
        std::vector<double> losses;
        TrainCallbacks cb;
        cb.on_epoch = [&](const EpochStats& s) { losses.push_back(s.loss); };
        const TrainResult r = train_loop(model, source, sgd, o, nullptr, cb);
        QCOMPARE(r.epochs_done, 400);
        QCOMPARE(r.steps, 400LL);
        QCOMPARE(losses.size(), std::size_t(400));
        for (int j = 0; j < 3; ++j)
            QVERIFY2(std::abs(model.w.value(0, j) - fit(j)) < 1e-9, qPrintable(QString::number(model.w.value(0, j))));
        QVERIFY(std::abs(model.b.value(0, 0) - fit(3)) < 1e-9);
        // The epoch loss is Σ ½ r² / n: at the fit, half the mean squared residual.
        const double at_fit = 0.5 * (a * fit - data.y).squaredNorm() / 64;
        QVERIFY2(std::abs(losses.back() - at_fit) < 1e-12, qPrintable(QString::number(losses.back() - at_fit)));
        QVERIFY(losses.front() > 10 * losses.back());
    }

    void adam_on_shuffled_minibatches_converges()
    {
        const Eigen::RowVector3d w_true(2.0, -1.0, 0.5);
        const RegressionData data = make_regression(100, w_true, 0.3, 0.0, 12);
        LinearRegression model(3);
        Adam<double> adam(model.parameters(), 0.05);
        DataBatches source(data, 16);  // 7 batches per epoch, the last of 4
        TrainLoopOptions o;
        o.epochs = 150;
        o.seed = 3;
        // The callback sets the next epoch's learning rate (a decay schedule), so that Adam settles
        // instead of hovering at a distance of ~lr around the optimum.
        TrainCallbacks cb;
        cb.on_epoch = [&](const EpochStats&) { adam.lr *= 0.97; };
        const TrainResult r = train_loop(model, source, adam, o, nullptr, cb);
        QCOMPARE(r.steps, 150LL * 7);
        QCOMPARE(r.tokens, 150LL * 100);
        // Noise-free data: the loss goes to 0 and w to w*.
        QVERIFY2(r.final_loss < 1e-6, qPrintable(QString::number(r.final_loss)));
        QVERIFY((model.w.value.row(0) - w_true).cwiseAbs().maxCoeff() < 1e-3);
        QVERIFY(std::abs(model.b.value(0, 0) - 0.3) < 1e-3);
    }

    void batches_order_and_random_numbers()
    {
        // 10 examples in batches of 3: 3, 3, 3, 1 per epoch.
        Recorder model;
        Sgd sgd{model.parameters(), 0.1};
        IndexBatches source(10, 3);
        TrainLoopOptions o;
        o.epochs = 3;
        o.seed = 42;
        std::vector<StepStats> steps;
        std::vector<EpochStats> epochs;
        TrainCallbacks cb;
        cb.on_step = [&](const StepStats& s) { steps.push_back(s); };
        cb.on_epoch = [&](const EpochStats& s) {
            QCOMPARE(steps.size(), std::size_t(4 * s.epoch));  // after its steps, before the next epoch's
            epochs.push_back(s);
        };
        const TrainResult r = train_loop(model, source, sgd, o, nullptr, cb);

        // The same run by hand: one Rng, Fisher–Yates on the previous order at each epoch start,
        // then one draw per batch by the model.
        Rng rng(42);
        std::vector<int> order(10);
        std::iota(order.begin(), order.end(), 0);
        std::size_t k = 0;
        for (int e = 1; e <= 3; ++e) {
            for (int i = 10; i > 1; --i) std::swap(order[i - 1], order[rng.below(std::uint64_t(i))]);
            double loss_sum = 0;
            for (int first = 0; first < 10; first += 3, ++k) {
                const std::vector<int> want(order.begin() + first, order.begin() + std::min(first + 3, 10));
                QCOMPARE(model.batches[k], want);
                QCOMPARE(model.draws[k], rng.next_u64());
                double loss = 0;
                for (int row : want) loss += row + 1;
                loss_sum += loss;
                QCOMPARE(steps[k].step, static_cast<long long>(k + 1));
                QCOMPARE(steps[k].epoch, e);
                QCOMPARE(steps[k].tokens, static_cast<long long>(want.size()));
                QCOMPARE(steps[k].loss, loss / double(want.size()));
                QCOMPARE(steps[k].grad_norm, 1.0);
            }
            // Every example once per epoch, loss = Σ (row + 1) / 10 = 5.5.
            QCOMPARE(epochs[std::size_t(e - 1)].epoch, e);
            QCOMPARE(epochs[std::size_t(e - 1)].epochs, 3);
            QCOMPARE(epochs[std::size_t(e - 1)].tokens, 10LL);
            QCOMPARE(epochs[std::size_t(e - 1)].loss, loss_sum / 10);
            QCOMPARE(epochs[std::size_t(e - 1)].loss, 5.5);
        }
        QCOMPARE(model.batches.size(), std::size_t(12));
        QCOMPARE(steps.size(), std::size_t(12));
        QCOMPARE(r.epochs_done, 3);
        QCOMPARE(r.steps, 12LL);
        QCOMPARE(r.tokens, 30LL);
        QVERIFY(!r.stopped);
        QCOMPARE(epochs.back().total_seconds, r.seconds);
        QVERIFY(std::abs(model.p.value(0, 0) + 1.2) < 1e-12);  // 12 SGD steps of gradient 1 (rounding: 12 subtractions)
    }

    void clipping_scales_the_gradient_to_the_limit()
    {
        FixedGradient model;
        model.g << 30.0, 40.0;  // norm 50
        Sgd sgd{model.parameters(), 1.0};
        IndexBatches source(1, 1);
        TrainLoopOptions o;
        o.clip = 5.0;
        double norm = 0;
        TrainCallbacks cb;
        cb.on_step = [&](const StepStats& s) { norm = s.grad_norm; };
        train_loop(model, source, sgd, o, nullptr, cb);
        QCOMPARE(norm, 50.0);
        QVERIFY(std::abs(model.p.value(0, 0) + 3.0) < 1e-12 && std::abs(model.p.value(0, 1) + 4.0) < 1e-12);
        // Under the limit, or with no limit: the gradient as it is.
        o.clip = std::numeric_limits<double>::infinity();
        train_loop(model, source, sgd, o);
        QVERIFY(std::abs(model.p.value(0, 0) + 33.0) < 1e-12 && std::abs(model.p.value(0, 1) + 44.0) < 1e-12);
    }

    void stop_mid_epoch_reports_only_whole_epochs()
    {
        Recorder model;
        Sgd sgd{model.parameters(), 0.1};
        IndexBatches source(10, 2);  // 5 steps per epoch
        TrainControl control;
        TrainLoopOptions o;
        o.epochs = 10;
        int epoch_calls = 0;
        TrainCallbacks cb;
        cb.on_step = [&](const StepStats& s) {
            if (s.step == 7) control.stop();  // epoch 2, its second step
        };
        cb.on_epoch = [&](const EpochStats&) { ++epoch_calls; };
        const TrainResult r = train_loop(model, source, sgd, o, &control, cb);
        QCOMPARE(epoch_calls, 1);
        QCOMPARE(r.epochs_done, 1);
        QCOMPARE(r.steps, 7LL);
        QCOMPARE(model.batches.size(), std::size_t(7));
        QCOMPARE(r.tokens, 10LL);  // the whole epoch only
        QCOMPARE(r.final_loss, 5.5);
        QVERIFY(r.stopped);
    }

    void stop_from_epoch_callback()
    {
        Recorder model;
        Sgd sgd{model.parameters(), 0.1};
        IndexBatches source(10, 2);
        TrainControl control;
        TrainLoopOptions o;
        o.epochs = 10;
        TrainCallbacks cb;
        cb.on_epoch = [&](const EpochStats& s) {
            if (s.epoch == 2) control.stop();
        };
        const TrainResult r = train_loop(model, source, sgd, o, &control, cb);
        QCOMPARE(r.epochs_done, 2);
        QCOMPARE(r.steps, 10LL);
        QVERIFY(r.stopped);
    }

    void pause_blocks_until_resumed()
    {
        Recorder model;
        Sgd sgd{model.parameters(), 0.1};
        IndexBatches source(10, 2);
        TrainControl control;
        TrainLoopOptions o;
        o.epochs = 3;
        std::atomic<long long> steps{0};
        std::promise<void> paused;
        long long steps_while_paused = -1;
        std::thread resumer([&] {
            paused.get_future().wait();
            QVERIFY(control.paused());
            steps_while_paused = steps.load();
            control.resume();
        });
        TrainCallbacks cb;
        cb.on_step = [&](const StepStats& s) {
            steps = s.step;
            if (s.step == 3) {
                control.pause();
                paused.set_value();  // the loop now waits after this step until the other thread resumes
            }
        };
        const TrainResult r = train_loop(model, source, sgd, o, &control, cb);
        resumer.join();
        QCOMPARE(steps_while_paused, 3LL);
        QCOMPARE(r.epochs_done, 3);
        QCOMPARE(r.steps, 15LL);
        QVERIFY(!r.stopped);
    }

    void stop_releases_a_paused_loop()
    {
        Recorder model;
        Sgd sgd{model.parameters(), 0.1};
        IndexBatches source(10, 2);
        TrainControl control;
        TrainLoopOptions o;
        o.epochs = 3;
        std::promise<void> paused;
        std::thread stopper([&] {
            paused.get_future().wait();
            control.stop();
        });
        TrainCallbacks cb;
        cb.on_step = [&](const StepStats& s) {
            if (s.step == 3) {
                control.pause();
                paused.set_value();
            }
        };
        const TrainResult r = train_loop(model, source, sgd, o, &control, cb);
        stopper.join();
        QCOMPARE(r.steps, 3LL);
        QCOMPARE(r.epochs_done, 0);
        QVERIFY(r.stopped);
    }

    void step_count_run_on_generated_batches()
    {
        // The way a model trained by steps uses the loop: an endless source, max_steps, one epoch.
        const Eigen::RowVector3d w_true(1.5, 0.0, -2.0);
        LinearRegression model(3);
        Adam<double> adam(model.parameters(), 0.05);
        GeneratedBatches source(w_true, -0.7, 8);
        TrainLoopOptions o;
        o.max_steps = 600;
        o.seed = 9;
        int step_calls = 0, epoch_calls = 0;
        TrainCallbacks cb;
        cb.on_step = [&](const StepStats&) { ++step_calls; };
        cb.on_epoch = [&](const EpochStats& s) {
            ++epoch_calls;
            QCOMPARE(s.tokens, 600LL * 8);
        };
        const TrainResult r = train_loop(model, source, adam, o, nullptr, cb);
        QCOMPARE(step_calls, 600);
        QCOMPARE(epoch_calls, 1);
        QCOMPARE(r.steps, 600LL);
        QCOMPARE(r.epochs_done, 1);
        QVERIFY((model.w.value.row(0) - w_true).cwiseAbs().maxCoeff() < 2e-2);
        QVERIFY(std::abs(model.b.value(0, 0) + 0.7) < 2e-2);

        // Reporting periods of 100 steps: the source ends an "epoch" every 100 batches.
        LinearRegression periodic(3);
        Adam<double> adam2(periodic.parameters(), 0.05);
        GeneratedBatches every100(w_true, -0.7, 8, 100);
        TrainLoopOptions p;
        p.epochs = 6;
        p.seed = 9;
        std::vector<double> losses;
        TrainCallbacks cb2;
        cb2.on_epoch = [&](const EpochStats& s) { losses.push_back(s.loss); };
        const TrainResult r2 = train_loop(periodic, every100, adam2, p, nullptr, cb2);
        QCOMPARE(r2.steps, 600LL);
        QCOMPARE(losses.size(), std::size_t(6));
        QVERIFY(losses.back() < 0.01 * losses.front());
        // The same Rng stream and the same steps: the same weights as the single long epoch.
        QVERIFY(periodic.w.value == model.w.value);
    }

    void max_steps_ends_inside_an_epoch()
    {
        Recorder model;
        Sgd sgd{model.parameters(), 0.1};
        IndexBatches source(8, 2);  // 4 steps per epoch
        TrainLoopOptions o;
        o.epochs = 10;
        o.max_steps = 10;
        std::vector<EpochStats> epochs;
        TrainCallbacks cb;
        cb.on_epoch = [&](const EpochStats& s) { epochs.push_back(s); };
        const TrainResult r = train_loop(model, source, sgd, o, nullptr, cb);
        QCOMPARE(r.steps, 10LL);
        QCOMPARE(r.epochs_done, 3);  // the third, cut at its second step, is reported
        QCOMPARE(epochs.size(), std::size_t(3));
        QCOMPARE(epochs[2].tokens, 4LL);
        QCOMPARE(r.tokens, 8LL + 8 + 4);
        QVERIFY(!r.stopped);
    }

    void bad_options_are_refused()
    {
        Recorder model;
        Sgd sgd{model.parameters(), 0.1};
        IndexBatches source(4, 2);
        auto run = [&](int epochs, long long max_steps, double clip) {
            TrainLoopOptions o;
            o.epochs = epochs;
            o.max_steps = max_steps;
            o.clip = clip;
            return train_loop(model, source, sgd, o);
        };
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, run(-1, 0, 1.0));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, run(1, -1, 1.0));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, run(1, 0, 0.0));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, run(1, 0, std::numeric_limits<double>::quiet_NaN()));
        QVERIFY(model.batches.empty());  // refused before any step
        try {
            run(-1, 0, 1.0);
        } catch (const std::invalid_argument& e) {
            QVERIFY2(std::string(e.what()).find("-1") != std::string::npos, e.what());
        }
        QCOMPARE(run(0, 0, 1.0).epochs_done, 0);  // zero epochs: nothing to do, not an error
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, ShuffledBatches(0, 1));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, ShuffledBatches(1, 0));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, run_train_loop(LoopStages{}, TrainLoopOptions{}));
    }
};

QTEST_APPLESS_MAIN(TestTrainLoop)
#include "test_train_loop.moc"
