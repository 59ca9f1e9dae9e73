using Multinode.Infra.Simulation;
using ScottPlot;
using SkiaSharp;

namespace Multinode.Infra.Cli;

/// <summary>
/// Draws a simulation with ScottPlot: one panel per workload with demand, ideal and running workers over time (and the
/// platform's desired count, thin), as step lines. PNG or SVG by the file's extension.
/// </summary>
public static class SimulationPlot
{
    public const int Width = 900;
    public const int PanelHeight = 320;

    public static void Save(SimulationResult simulation, string path)
    {
        var extension = Path.GetExtension(path).ToLowerInvariant();
        if (extension is not (".png" or ".svg"))
            throw new ArgumentException($"--plot {path}: the file must end in .png or .svg");
        var panels = simulation.Workloads.Select(w => Panel(w, simulation.Seconds)).ToList();
        var height = PanelHeight * Math.Max(1, panels.Count);
        using var file = File.Create(path);
        if (extension == ".svg")
        {
            using (var canvas = SKSvgCanvas.Create(new SKRect(0, 0, Width, height), file))
                Draw(canvas, panels);
            return;
        }
        using var surface = SKSurface.Create(new SKImageInfo(Width, height));
        Draw(surface.Canvas, panels);
        using var image = surface.Snapshot();
        using var png = image.Encode(SKEncodedImageFormat.Png, 100);
        png.SaveTo(file);
    }

    private static void Draw(SKCanvas canvas, IReadOnlyList<Plot> panels)
    {
        canvas.Clear(SKColors.White);
        for (var i = 0; i < panels.Count; i++)
            panels[i].Render(canvas, new PixelRect(0, Width, i * PanelHeight, (i + 1) * PanelHeight));
    }

    /// <summary>Step series from the change points, extended to the end.</summary>
    private static (double[] X, double[] Y) Steps(IReadOnlyList<SimulationPoint> series, Func<SimulationPoint, double> value, int end) =>
        ([.. series.Select(p => (double)p.Seconds).Append(end)], [.. series.Select(value).Append(value(series[^1]))]);

    private static Plot Panel(WorkloadSimulation w, int end)
    {
        var plot = new Plot();
        var service = w.Kind.Has<Workloads.ILoadBalanced>();
        void Line(Func<SimulationPoint, double> value, string label, string color, float width, LinePattern pattern)
        {
            var (x, y) = Steps(w.Series, value, end);
            var line = plot.Add.Scatter(x, y);
            line.ConnectStyle = ConnectStyle.StepHorizontal;
            line.MarkerSize = 0;
            line.LineWidth = width;
            line.LinePattern = pattern;
            line.Color = Color.FromHex(color);
            line.LegendText = label;
        }
        Line(p => p.Demand, service ? "demand (CPU cores)" : "demand (in flight)", "#9e9e9e", 2, LinePattern.Solid);
        Line(p => p.Ideal, "ideal", "#2e7d32", 2, LinePattern.Dashed);
        Line(p => p.Desired, "desired (platform)", "#ef6c00", 1, LinePattern.Dotted);
        Line(p => p.Running, "running", "#1565c0", 2.5f, LinePattern.Solid);
        var s = w.Summary;
        plot.Title($"{w.Kind} {w.Name} on {w.Target.Name}: {s.WorkerSeconds} worker-s (ideal {s.IdealWorkerSeconds}), wait {SimulationPrinter.Wait(w.Kind, s.WaitSeconds)}, cost {SimulationPrinter.Money(s.Cost)}", size: 13);
        plot.XLabel("seconds");
        plot.YLabel("workers");
        var top = w.Series.Max(p => Math.Max(Math.Max(p.Demand, p.Ideal), Math.Max(p.Desired, p.Running)));
        plot.Axes.SetLimits(0, end, 0, Math.Max(1, top) * 1.15);
        plot.ShowLegend(Edge.Right);
        return plot;
    }
}
