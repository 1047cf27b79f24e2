namespace ParticleBlynk.ParticleCloud; internal static class Placeholder { }
