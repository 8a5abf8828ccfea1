using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Routing;

namespace Dealership.Web.Components.Layout;

/// <summary>
/// A part of the layout that names the page the person is on (a form's or a link's returnUrl). A page reached inside the
/// console changes none of its parameters, so without this it keeps the page first loaded and sends the person back there.
/// </summary>
public abstract class FollowsLocation : ComponentBase, IDisposable
{
    [Inject] protected NavigationManager Navigation { get; set; } = default!;

    protected string ReturnUrl => Navigation.Here();

    protected override void OnInitialized() => Navigation.LocationChanged += Rerender;

    private void Rerender(object? sender, LocationChangedEventArgs e) => InvokeAsync(StateHasChanged);

    public void Dispose()
    {
        Navigation.LocationChanged -= Rerender;
        GC.SuppressFinalize(this);
    }
}
