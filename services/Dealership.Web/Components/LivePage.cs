using Microsoft.AspNetCore.Components;

namespace Dealership.Web.Components;

/// <summary>
/// A page that follows its dealership's work while it is open: when the bus says something changed, the page
/// reads its data again and re-renders. Only an interactive page can be told; the prerendered one is read once.
/// </summary>
public abstract class LivePage : ComponentBase, IDisposable
{
    [Inject]
    private LiveUpdates Live { get; set; } = default!;

    private IDisposable? _watch;

    /// <summary>From now on, <paramref name="reload"/> runs on every change of the dealership's work (any dealership's when null).</summary>
    protected void ReloadOnChanges(Guid? dealershipId, Func<Task> reload)
    {
        _watch?.Dispose();
        _watch = null;
        if (RendererInfo.IsInteractive)
            _watch = Live.Watch(dealershipId, () => InvokeAsync(async () =>
            {
                await reload();
                StateHasChanged();
            }));
    }

    public void Dispose()
    {
        _watch?.Dispose();
        GC.SuppressFinalize(this);
    }
}
