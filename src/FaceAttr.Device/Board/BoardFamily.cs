namespace FaceAttr.Device;

/// <summary>The board families FaceAttr has profiles for, from the device-tree model string.</summary>
public enum BoardFamily
{
    /// <summary>Not recognised (x86 kiosk, VM, other ARM board) or no device tree.</summary>
    Unknown,

    /// <summary>A Raspberry Pi older than the 4 (3, Zero 2 …): works, but slow for the detector.</summary>
    RaspberryPi,

    /// <summary>Raspberry Pi 4, 400 or Compute Module 4 (BCM2711).</summary>
    RaspberryPi4,

    /// <summary>Raspberry Pi 5, 500 or Compute Module 5 (BCM2712).</summary>
    RaspberryPi5,

    /// <summary>Jetson Nano (Maxwell, JetPack 4).</summary>
    JetsonNano,

    /// <summary>Jetson Orin Nano, Orin NX or AGX Orin (JetPack 5/6).</summary>
    JetsonOrin,

    /// <summary>Another Jetson (TX2, Xavier …).</summary>
    Jetson,
}
