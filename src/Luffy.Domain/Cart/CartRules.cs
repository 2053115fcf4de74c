namespace Luffy.Domain.Cart;

public static class CartRules
{
    /// <summary>The most courses one cart holds.</summary>
    public const int MaxItems = 50;
}
