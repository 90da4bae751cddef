namespace RxTelnet.Samples.ReactiveUi;

using System.Reactive.Concurrency;
using System.Reactive.Disposables;
using System.Reactive.Linq;
using System.Reactive.Subjects;
using RxTelnet.Session;
using Terminal.Gui.ViewBase;
using Terminal.Gui.Views;

/// <summary>
/// The screen: output pane, input line, state and option panel, Reconnect button. Holds no logic: every value
/// comes from a <see cref="TerminalViewModel"/> subscription already on the UI thread, every action goes back to it.
/// </summary>
public sealed class TerminalWindow : Window
{
    private const int PanelWidth = 34;
    private readonly CompositeDisposable _bindings = new();
    private readonly BehaviorSubject<WindowSize> _sizes = new(new WindowSize(80, 24));

    /// <summary>Builds the views.</summary>
    /// <param name="title">The window title (the server's address).</param>
    public TerminalWindow(string title)
    {
        Title = title;
        OutputView = new OutputPane
        {
            X = 0,
            Y = 0,
            Width = Dim.Fill(PanelWidth),
            Height = Dim.Fill(1),
        };
        var panel = new FrameView
        {
            Title = "Connection",
            X = Pos.AnchorEnd(PanelWidth),
            Y = 0,
            Width = PanelWidth,
            Height = Dim.Fill(1),
        };
        StateLabel = new Label { X = 0, Y = 0, Width = Dim.Fill(), Text = "state: " };
        OptionsLabel = new Label { X = 0, Y = 2, Width = Dim.Fill(), Height = Dim.Fill(2) };
        ReconnectButton = new Button { X = 0, Y = Pos.AnchorEnd(1), Text = "_Reconnect" };
        panel.Add(StateLabel, OptionsLabel, ReconnectButton);
        var prompt = new Label { X = 0, Y = Pos.AnchorEnd(1), Text = "> " };
        InputField = new TextField { X = 2, Y = Pos.AnchorEnd(1), Width = Dim.Fill() };
        Add(OutputView, panel, prompt, InputField);
        OutputView.ViewportChanged += (_, _) => ReportSize();
    }

    /// <summary>Gets the output pane.</summary>
    public OutputPane OutputView { get; }

    /// <summary>Gets the state line.</summary>
    public Label StateLabel { get; }

    /// <summary>Gets the option rows.</summary>
    public Label OptionsLabel { get; }

    /// <summary>Gets the input line.</summary>
    public TextField InputField { get; }

    /// <summary>Gets the Reconnect button.</summary>
    public Button ReconnectButton { get; }

    /// <summary>Gets the output pane's size in characters, for NAWS; the latest at once, then each change.</summary>
    public IObservable<WindowSize> Sizes => _sizes.DistinctUntilChanged();

    /// <summary>Wires the view model in: its values are observed on <paramref name="ui"/>, the views' events call it.</summary>
    /// <param name="viewModel">The logic.</param>
    /// <param name="ui">The UI thread's scheduler.</param>
    public void Bind(TerminalViewModel viewModel, IScheduler ui)
    {
        ArgumentNullException.ThrowIfNull(viewModel);
        ArgumentNullException.ThrowIfNull(ui);
        _bindings.Add(viewModel.Output.ObserveOn(ui).Subscribe(text =>
        {
            OutputView.Content = text;
        }));
        _bindings.Add(viewModel.StateText.ObserveOn(ui).Subscribe(state => StateLabel.Text = $"state: {state}"));
        _bindings.Add(viewModel.Options.ObserveOn(ui).Subscribe(rows => OptionsLabel.Text = OptionRow.Header + "\n" + string.Join('\n', rows)));
        InputField.Accepting += (_, e) =>
        {
            e.Handled = true;
            var line = InputField.Text;
            InputField.Text = string.Empty;
            _ = viewModel.Send(line);
        };
        ReconnectButton.Accepting += (_, e) =>
        {
            e.Handled = true;
            viewModel.Reconnect();
            InputField.SetFocus();
        };
        InputField.SetFocus();
    }

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _bindings.Dispose();
            _sizes.OnCompleted();
            _sizes.Dispose();
        }

        base.Dispose(disposing);
    }

    private void ReportSize()
    {
        var viewport = OutputView.Viewport;
        OutputView.Refresh();
        if (viewport.Width > 0 && viewport.Height > 0)
        {
            _sizes.OnNext(new WindowSize((ushort)viewport.Width, (ushort)viewport.Height));
        }
    }

    /// <summary>A plain view that shows the end of its content, like a terminal scrolled to the bottom.</summary>
    public sealed class OutputPane : View
    {
        private string _content = string.Empty;

        /// <summary>Gets or sets the whole text; the view shows the rows that fit at its bottom.</summary>
        public string Content
        {
            get => _content;
            set
            {
                _content = value ?? string.Empty;
                Refresh();
            }
        }

        /// <summary>Lays the content out again for the current size.</summary>
        public void Refresh()
        {
            var viewport = Viewport;
            Text = viewport.Width > 0 ? ScreenText.Tail(_content, viewport.Width, viewport.Height) : string.Empty;
        }
    }
}
