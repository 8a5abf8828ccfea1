using Microsoft.AspNetCore.Components.Forms;
using Microsoft.AspNetCore.Components.Rendering;

namespace Dealership.Web.Components;

/// <summary>
/// A file input that is enabled only once the browser listens to it. <see cref="InputFile"/> starts listening
/// for a chosen file in the browser after its first live render, one round trip later: a file chosen in between
/// (a quick person on a loaded server, a test at once) was taken by the browser and never reached the page,
/// which then showed nothing at all.
/// </summary>
public sealed class FilePicker : InputFile
{
    private bool _listening;

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        // The base's first after-render returns once the browser has run its set-up.
        await base.OnAfterRenderAsync(firstRender);
        if (firstRender)
        {
            _listening = true;
            StateHasChanged();
        }
    }

    protected override void BuildRenderTree(RenderTreeBuilder builder)
    {
        builder.OpenElement(0, "input");
        builder.AddMultipleAttributes(1, AdditionalAttributes);
        // A later attribute of the same name wins over the caller's: disabled whatever the caller says until then.
        if (!_listening)
            builder.AddAttribute(2, "disabled", true);
        builder.AddAttribute(3, "type", "file");
        builder.AddElementReferenceCapture(4, element => Element = element);
        builder.CloseElement();
    }
}
