"""PyTorch reference for bench/train-bench.sh: the same architecture, data, batch size and epochs as
closecast's trainer (2x32 LSTM -> dense 16 relu -> 1, 60-step windows, 1,952 training windows, Adam 1e-3).
Prints one 'RESULT ...' line like TrainBench.java."""
import resource
import statistics
import sys
import time

import torch

WINDOW, COUNT, VAL = 60, 1952, 488


def main():
    series_file, epochs, batch, threads = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
    torch.set_num_threads(threads)
    torch.manual_seed(42)
    s = torch.tensor([float(line) for line in open(series_file)], dtype=torch.float32)

    def samples(offset, count):
        idx = torch.arange(count).unsqueeze(1) + torch.arange(WINDOW).unsqueeze(0) + offset
        return s[idx].unsqueeze(-1), s[offset + WINDOW + torch.arange(count)].unsqueeze(-1)

    x, y = samples(0, COUNT)
    vx, vy = samples(COUNT + WINDOW, VAL)

    class Net(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.lstm = torch.nn.LSTM(1, 32, num_layers=2, batch_first=True)
            self.dense = torch.nn.Linear(32, 16)
            self.out = torch.nn.Linear(16, 1)

        def forward(self, inp):
            h, _ = self.lstm(inp)
            return self.out(torch.relu(self.dense(h[:, -1, :])))

    net = Net()
    opt = torch.optim.Adam(net.parameters(), lr=1e-3)
    loss_fn = torch.nn.MSELoss()
    gen = torch.Generator().manual_seed(42)
    times, vals = [], []
    for _ in range(epochs):
        start = time.perf_counter()
        net.train()
        perm = torch.randperm(COUNT, generator=gen)
        for i in range(0, COUNT, batch):
            b = perm[i:i + batch]
            opt.zero_grad()
            loss = loss_fn(net(x[b]), y[b])
            loss.backward()
            opt.step()
        net.eval()
        with torch.no_grad():
            vals.append(loss_fn(net(vx), vy).item())
        times.append(round((time.perf_counter() - start) * 1000))
    naive = torch.mean((vy - vx[:, -1, :]) ** 2).item()
    steady = times[1:] if len(times) > 1 else times
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    print(f"RESULT kind=train impl=pytorch-{torch.__version__} batch={batch} epochs={epochs} "
          f"median_epoch_ms={round(statistics.median(steady))} first_epoch_ms={times[0]} "
          f"epoch_ms=[{','.join(map(str, times))}] val_first={vals[0]:.6f} val_last={vals[-1]:.6f} "
          f"naive_val={naive:.6f} peak_rss_mb={rss_mb}")


if __name__ == "__main__":
    main()
