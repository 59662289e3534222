using System.Text.RegularExpressions;

namespace Practice.Domain.Tests;

public sealed partial class DomainEventsTests
{
    [Fact]
    public void Lists_exactly_the_domain_event_types()
    {
        var eventTypes = typeof(IDomainEvent).Assembly.GetTypes()
            .Where(t => t.IsClass && typeof(IDomainEvent).IsAssignableFrom(t))
            .OrderBy(t => t.FullName)
            .ToList();

        Assert.Equal(eventTypes, DomainEvents.All.Values.OrderBy(t => t.FullName));
    }

    [Fact]
    public void Gives_each_type_one_kebab_case_name()
    {
        Assert.Equal(DomainEvents.All.Count, DomainEvents.All.Values.Distinct().Count());
        Assert.All(DomainEvents.All.Keys, name => Assert.Matches(KebabCase(), name));
    }

    [Fact]
    public void Events_are_sealed_records()
    {
        Assert.All(DomainEvents.All.Values, t =>
        {
            Assert.True(t.IsSealed, t.Name);
            Assert.NotNull(t.GetMethod("<Clone>$"));
        });
    }

    [Fact]
    public void Names_an_event_by_its_type()
    {
        Assert.Equal("appointment-booked", DomainEvents.NameOf(typeof(Practice.Domain.Scheduling.AppointmentBooked)));
        Assert.Throws<ArgumentException>(() => DomainEvents.NameOf(typeof(string)));
    }

    [GeneratedRegex("^[a-z]+(-[a-z]+)*$")]
    private static partial Regex KebabCase();
}
