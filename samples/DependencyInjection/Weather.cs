/// <summary>A typed answer.</summary>
internal sealed record Weather(string City, double TemperatureCelsius, string Summary);
